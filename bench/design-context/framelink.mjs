// Runs Framelink (figma-developer-mcp 0.13.2) offline on a saved Figma REST
// response and prints its output, for side-by-side size and speed comparison.
//
// Usage: node framelink.mjs FRAMELINK_DIR INPUT.json [tree|yaml|json] > out.txt
//
// It drives the package's own get_figma_data pipeline (fetch → simplify →
// serialize, the function its chunk exports as `l`) with a stand-in client
// that returns the file instead of calling Figma.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [frameLinkDir, input, format = "tree"] = process.argv.slice(2);
if (!frameLinkDir || !input) {
  console.error("usage: node framelink.mjs FRAMELINK_DIR INPUT.json [tree|yaml|json]");
  process.exit(2);
}
process.env.FRAMELINK_TELEMETRY = "off";
const dist = join(frameLinkDir, "node_modules/figma-developer-mcp/dist");
const { readdirSync } = await import("node:fs");
let getFigmaData;
for (const file of readdirSync(dist).filter((f) => f.startsWith("chunk-"))) {
  const text = readFileSync(join(dist, file), "utf8");
  const match = text.match(/export\{[^}]*\bXe as (\w+)\b/);
  if (match && text.includes("function Xe(")) {
    getFigmaData = (await import(pathToFileURL(join(dist, file)).href))[match[1]];
  }
}
if (!getFigmaData) {
  console.error("could not find get_figma_data's pipeline in the package");
  process.exit(1);
}
const raw = readFileSync(input);
const data = JSON.parse(raw.toString("utf8"));
const client = {
  getRawFile: async () => ({ data, rawSize: raw.length }),
  getRawNode: async () => ({ data, rawSize: raw.length }),
};
const nodeId = "nodes" in data ? Object.keys(data.nodes)[0] : undefined;
const { formatted } = await getFigmaData(client, { fileKey: "offline", nodeId }, format, {});
process.stdout.write(formatted);
