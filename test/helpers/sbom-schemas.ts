import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const json = (file: string): object => JSON.parse(readFileSync(file, 'utf8')) as object;

/**
 * CycloneDX 1.6's JSON schema as @cyclonedx/cyclonedx-library ships it, with the schemas it
 * references (SPDX license ids, JSF signatures, cryptography definitions).
 */
export function cycloneDxValidator(): ValidateFunction {
  const dir = path.join(
    path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res/schema'
  );
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const name of [
    'spdx.SNAPSHOT.schema.json',
    'jsf-0.82.SNAPSHOT.schema.json',
    'cryptography-defs.SNAPSHOT.schema.json'
  ]) {
    // bom-1.6 refers to them by name, relative to its own $id.
    const schema = json(path.join(dir, name)) as { $id?: string };
    delete schema.$id;
    ajv.addSchema(schema, `http://cyclonedx.org/schema/${name}`);
  }
  return ajv.compile(json(path.join(dir, 'bom-1.6.SNAPSHOT.schema.json')));
}

/**
 * SPDX 3.0.1's JSON schema as @cyclonedx/cdxgen ships it (data/spdx-export.schema.json);
 * scripts/provision.sh unpacks it from the npm package into SHIPSHAPE_OPT/schemas.
 */
export function spdxValidator(): ValidateFunction {
  const file = path.join(process.env.SHIPSHAPE_OPT ?? '/opt/shipshape', 'schemas/spdx-3.0.1.schema.json');
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(json(file));
}
