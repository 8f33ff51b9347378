// Fails when src/api/schema.ts is not what openapi-typescript makes of src/api/openapi.json
// (the copy of the server's document, itself checked by the server's tests).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const fresh = join(mkdtempSync(join(tmpdir(), "tenantra-api-")), "schema.ts");
execFileSync("npx", ["openapi-typescript", "src/api/openapi.json", "-o", fresh], { stdio: "ignore" });
if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.ts", "utf8")) {
    console.error("src/api/schema.ts is stale: run scripts/update-api-client and commit the result.");
    process.exit(1);
}
console.log("api client: src/api/schema.ts matches src/api/openapi.json");
