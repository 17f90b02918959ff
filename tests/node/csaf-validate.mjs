// Validates CSAF 2.0 documents with the BSI reference validator (@secvisogram/csaf-validator-lib):
// the strict CSAF 2.0 JSON schema and every mandatory test (section 6.1 of the standard).
//
// Input (stdin): one JSON object per line, {"name": "...", "document": {...}}.
// Output (stdout): one JSON object per input line, in order:
//   {"name": "...", "valid": true|false, "errors": [{"test", "path", "message"}]}
import { createInterface } from 'node:readline'
import validate from '@secvisogram/csaf-validator-lib/validate.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (line.trim() === '') continue
  const { name, document } = JSON.parse(line)
  const result = await validate(tests, document)
  const errors = []
  for (const t of result.tests) {
    for (const e of t.errors) {
      errors.push({ test: t.name, path: e.instancePath, message: e.message })
    }
  }
  process.stdout.write(JSON.stringify({ name, valid: result.isValid, errors }) + '\n')
}
