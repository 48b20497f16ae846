// Build the static files the templates use into static/govuk/: our compiled CSS, GOV.UK Frontend's
// JavaScript and images, and axe-core for the accessibility tests. Run by `npm run build`.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "govuk");
const dist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const result = sass.compile(join(root, "frontend", "app.scss"), {
  importers: [new sass.NodePackageImporter(root)],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), result.css);
cpSync(join(dist, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(dist, "assets", "images"), join(out, "assets", "images"), { recursive: true });
cpSync(join(dist, "assets", "manifest.json"), join(out, "assets", "manifest.json"));
cpSync(join(root, "frontend", "init.mjs"), join(out, "init.mjs"));
mkdirSync(join(root, "static", "axe"), { recursive: true });
cpSync(join(root, "node_modules", "axe-core", "axe.min.js"), join(root, "static", "axe", "axe.min.js"));
console.log(`Built ${out}`);
