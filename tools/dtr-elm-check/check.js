// Executes the ELM of a DTR pre-population Library (as $questionnaire-package returns it) with the reference JavaScript
// CQL engine (cql-execution with cql-exec-fhir, FHIR 4.0.1) against one patient's record, and prints every
// definition's result as JSON: {"<definition>": <value>}, a date as "yyyy-mm-dd", a Quantity as {"value", "unit"}, a Coding as {"system", "code"}, a list as a list,
// nothing found as null. The Integration test Dtr/ElmExecutionTests runs it for every generated Library and checks
// the results; by hand: node check.js library.json record-bundle.json [patient-id].
const fs = require('fs');
const cql = require('cql-execution');
const cqlfhir = require('cql-exec-fhir');

const [libraryFile, recordFile, patientId] = process.argv.slice(2);
if (!libraryFile || !recordFile) {
  console.error('usage: node check.js <Library.json> <record Bundle.json> [patient id]');
  process.exit(2);
}
const library = JSON.parse(fs.readFileSync(libraryFile, 'utf8'));
const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
const content = (library.content || []).find(c => c.contentType === 'application/elm+json');
if (!content || !content.data) {
  console.error(`${library.name}: no application/elm+json content.data`);
  process.exit(1);
}
const elm = JSON.parse(Buffer.from(content.data, 'base64').toString('utf8'));

// A FHIR value from cql-exec-fhir (FHIRObject) or the engine (CQL Date, Quantity) as plain JSON.
const plain = (value) => {
  if (value === null || value === undefined) return null;
  if (value.getTypeInfo && value.getTypeInfo().name === 'Quantity') return { value: value.value && value.value.value, unit: value.code && value.code.value };
  if (value.getTypeInfo && value.getTypeInfo().name === 'date') return String(value.value);
  if (value.getTypeInfo && value.getTypeInfo().name === 'Coding') return { system: plain(value.system), code: plain(value.code) };
  if (value.isDate || value.isDateTime) return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  return value.value !== undefined ? value.value : String(value);
};

(async () => {
  const patients = new cqlfhir.PatientSource.FHIRv401();
  patients.loadBundles([record]);
  const results = (await new cql.Executor(new cql.Library(elm)).exec(patients)).patientResults;
  const id = patientId || Object.keys(results)[0];
  if (!results[id]) throw new Error(`no results for patient ${id}`);
  const answer = {};
  for (const [name, value] of Object.entries(results[id])) if (name !== 'Patient') answer[name] = plain(value);
  console.log(JSON.stringify(answer));
})().catch(e => { console.error(e && e.stack || e); process.exit(1); });
