using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

// The step that decides a line under a version of ordered coverage statements (coverage-semantics.md §10).
public sealed partial class Evaluator
{
    private sealed partial class LineEvaluation
    {
        /// <summary>
        /// The first statement whose services, codes and indications fit the line decides it: mandate and plan
        /// first (spec section 1), then its criteria in three-valued logic. Criteria not met give the statement's
        /// "otherwise", or defer to the next statement; unknown criteria ask for exactly the facts still open.
        /// </summary>
        private LineDetermination Rules(CompiledCode code, CompiledVersion version, CompiledModality modality)
        {
            var diagnoses = _request.Diagnoses;
            var facts = _facts.Set(_request, _line, _dateOfService, _evaluator._ageFact, _evaluator._derived);
            var provisionsApplied = false;
            foreach (var rule in version.Rules)
            {
                if (!rule.AppliesTo(modality.Id, code.Code.Code)) continue;
                if (!rule.AboutDiagnoses(diagnoses, out var indication, out var diagnosis))
                {
                    if (diagnoses.Count == 0)
                    {
                        // Whether this statement is the one cannot be told without the diagnosis.
                        Draft.Trace(rule.NoDiagnosisTrace);
                        return Draft.Decide(Verdict.NeedsDiagnosis, GoverningSource.Policy, rule.NoDiagnosisRationale, information: rule.NoDiagnosisInformation);
                    }
                    Draft.Trace(rule.NotAboutDiagnosesTrace);
                    continue;
                }
                if (indication is not null) Draft.Trace(rule.DiagnosisTrace(diagnosis!, indication));
                Draft.Trace(rule.ScopeTrace);

                if (!provisionsApplied)
                {
                    // Mandate, then plan, then policy (spec section 1); a device label only where the policy defines devices.
                    provisionsApplied = true;
                    var label = _policy.FdaDevices.Count > 0 ? AssessLabel(modality) : null;
                    Draft.FdaLabel = label;
                    var plan = _compiled.Plans[_plan.Id];
                    foreach (var provision in plan.Provisions)
                    {
                        var decided = Apply(provision, version, modality, label ?? FdaLabelAssessor.NoAuthorizedDevice);
                        if (decided is not null) return decided;
                    }
                    if (plan.Provisions.Length == 0) Draft.Trace(plan.NoProvisionTrace);
                }

                var (truth, results) = rule.Evaluate(facts);
                var outcome = rule.Outcome(modality, truth, results, _evaluator._catalogue.Facts);
                Draft.Trace(outcome.Trace);
                Draft.Criteria = outcome.Criteria;
                if (outcome.Determination is { } determination)
                    return Draft.Decide(VerdictOf(determination), GoverningSource.Policy, outcome.Rationale, outcome.Citations);
                if (truth == Truth.Unknown)
                {
                    var (needed, information) = StillMissing(outcome);
                    Draft.FactsNeeded = needed;
                    return Draft.Decide(Verdict.NeedsRecords, GoverningSource.Policy, outcome.Rationale, outcome.Citations, information);
                }
                Draft.Criteria = []; // not met, and the next statement decides: its criteria are the ones reported
            }

            // No statement is about these diagnoses, and the code's own descriptor names what the policy is about:
            // the procedure and the diagnosis disagree (coverage-semantics.md §10, section 5 generalised).
            if (code.Code.NamesCondition && diagnoses.Count > 0 && !InAnyIndication(diagnoses))
            {
                Draft.Trace($"diagnosis: none of {Given()} is {IndicationList(withValueSets: true)}, which code {code.Code.Code} names; no statement of version {version.Version.Version} is about other diagnoses");
                if (_compiled.Citations.DiagnosisCoding is { } coding) Draft.Cite(coding);
                return Draft.Decide(Verdict.InvalidCoding, GoverningSource.Policy,
                    $"Code {code.Code.Code} (\"{code.Code.Description}\") describes treatment of {IndicationList(withValueSets: false)}, " +
                    $"but the diagnoses on the request ({Given()}) are none of them, and policy {_policy.Id} has no statement about other diagnoses. " +
                    "The procedure and the diagnosis do not agree; please correct the coding.");
            }

            // No statement is about this line: the policy does not decide it.
            if (_probe) return NotAddressedProbe;
            Draft.Trace($"coverage-statement: no statement of {_policy.Id} version {version.Version.Version} is about {modality.Id} with these diagnoses");
            Draft.Cite(_compiled.Citations.Overview);
            return Draft.NotAddressed(diagnoses.Count == 0
                ? $"Policy {_policy.Id} version {version.Version.Version} has no statement about {Words.Lower(modality.Name)} without a diagnosis, so it does not decide the line."
                : $"Policy {_policy.Id} version {version.Version.Version} has no statement about {Words.Lower(modality.Name)} for the diagnoses on the request ({Text.DisplayIcd10List(diagnoses)}), so it does not decide the line.");
        }

        /// <summary>
        /// The facts of the open criteria that the request does not state: a criterion read two ways (a score, or an
        /// assessment) stays open when the one stated does not settle it, and only the other is asked for.
        /// </summary>
        private (IReadOnlyList<FactNeeded>, IReadOnlyList<string>) StillMissing(RuleOutcome outcome)
        {
            var all = outcome.FactsNeeded;
            var keep = 0;
            for (var i = 0; i < all.Count; i++) if (Missing(all[i].Fact)) keep++;
            if (keep == all.Count) return (all, outcome.Information);
            var needed = new List<FactNeeded>(keep);
            var information = new List<string>(keep);
            for (var i = 0; i < all.Count; i++)
            {
                if (!Missing(all[i].Fact)) continue;
                needed.Add(all[i]);
                information.Add(outcome.Information[i]);
            }
            return (needed, information);
        }

        private bool InAnyIndication(IReadOnlyList<string> diagnoses)
        {
            foreach (var indication in _policy.Indications)
                for (var i = 0; i < diagnoses.Count; i++)
                    if (indication.Diagnoses.Contains(diagnoses[i])) return true;
            return false;
        }

        private string IndicationList(bool withValueSets) =>
            string.Join(" or ", _policy.Indications.Select(i => withValueSets ? $"{i.Diagnoses.Name} ({i.Diagnoses.Display})" : i.Diagnoses.Name));

        private bool Missing(string fact) => fact switch
        {
            CompiledRule.BirthDateFact => _request.Member.BirthDate is null,
            CompiledRule.SexFact => _request.Member.Sex is null,
            CompiledRule.PlaceOfServiceFact => _request.PlaceOfServiceOf(_line) is null,
            DiagnosisIn.FactName => _request.Diagnoses.Count == 0,
            _ => !_request.Clinical.TryGet(fact, out _),
        };

        private static Verdict VerdictOf(StatementDetermination determination) => determination switch
        {
            StatementDetermination.MedicallyNecessary => Verdict.Covered,
            StatementDetermination.NotMedicallyNecessary => Verdict.NotMedicallyNecessary,
            StatementDetermination.ExperimentalInvestigationalUnproven => Verdict.ExperimentalInvestigationalUnproven,
            _ => Verdict.NotCovered,
        };
    }
}
