// Executes the ELM of the pre-population Library that $questionnaire-package returns for the rider plan's cryoablation
// order (samples/dtr-questionnaire-package.json) with the reference JavaScript CQL engine, against a patient whose
// record holds two final tumor-size Observations (LOINC 21889-1), a later preliminary one and one of another code.
// It must give the birth date and the latest final size. Usage: node check.js [server] (default http://127.0.0.1:5080).
const fs = require('fs');
const path = require('path');
const cql = require('cql-execution');
const cqlfhir = require('cql-exec-fhir');

const server = process.argv[2] || 'http://127.0.0.1:5080';
const request = fs.readFileSync(path.join(__dirname, '..', '..', 'samples', 'dtr-questionnaire-package.json'), 'utf8');

const observation = (id, status, issued, code, value) => ({
  resourceType: 'Observation', id, status, issued, subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code }] },
  valueQuantity: { value, unit: 'cm', system: 'http://unitsofmeasure.org', code: 'cm' },
});
const record = { resourceType: 'Bundle', type: 'collection', entry: [
  { resource: { resourceType: 'Patient', id: 'p1', birthDate: '1950-03-01' } },
  { resource: observation('o1', 'final', '2026-01-01T00:00:00Z', '21889-1', 1.4) },
  { resource: observation('o2', 'final', '2026-03-01T00:00:00Z', '21889-1', 1.2) },
  { resource: observation('o3', 'preliminary', '2026-05-01T00:00:00Z', '21889-1', 9) },
  { resource: observation('o4', 'final', '2026-06-01T00:00:00Z', '8302-2', 170) },
] };

(async () => {
  const answer = await fetch(`${server}/fhir/Questionnaire/$questionnaire-package`, {
    method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: request });
  const output = await answer.json();
  const bundle = output.parameter.find(p => p.name === 'PackageBundle').resource;
  const library = bundle.entry.map(e => e.resource).find(r => r.resourceType === 'Library');
  const elm = JSON.parse(Buffer.from(library.content.find(c => c.contentType === 'application/elm+json').data, 'base64').toString('utf8'));
  const patients = new cqlfhir.PatientSource.FHIRv401();
  patients.loadBundles([record]);
  const results = (await new cql.Executor(new cql.Library(elm)).exec(patients)).patientResults['p1'];
  const birthDate = results['BirthDate'] && results['BirthDate'].value;
  const size = results['tumorSizeCm'];
  const failures = [];
  if (String(birthDate) !== '1950-03-01') failures.push(`BirthDate: expected 1950-03-01, got ${birthDate}`);
  if (!size || size.value.value !== 1.2 || size.code.value !== 'cm') failures.push(`tumorSizeCm: expected the latest final 1.2 cm, got ${JSON.stringify(size)}`);
  if (failures.length > 0) { console.error(failures.join('\n')); process.exit(1); }
  console.log(`ok: ${library.name} gives BirthDate ${birthDate} and tumorSizeCm ${size.value.value} ${size.code.value}`);
})().catch(e => { console.error(e); process.exit(1); });
