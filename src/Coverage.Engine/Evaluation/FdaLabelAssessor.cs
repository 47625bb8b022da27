using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>Assesses a line against the indication of the FDA-authorised device for its modality (spec section 7).</summary>
internal static class FdaLabelAssessor
{
    public static readonly FdaLabelAssessment NoAuthorizedDevice = new() { Status = FdaLabelStatus.NoAuthorizedDevice };

    /// <summary>Devices whose criteria fit in <see cref="Results"/>: two bits per criterion.</summary>
    public const int MaxCriteria = 31;

    /// <summary>The result of every criterion, two bits each in the device's order (see <see cref="CriterionResult"/>).</summary>
    public static long Results(FdaDevice device, IFactSource facts)
    {
        if (device.Criteria.Count > MaxCriteria) throw new NotSupportedException($"{device.Name} has more than {MaxCriteria} criteria.");
        long results = 0;
        for (var i = 0; i < device.Criteria.Count; i++)
        {
            var result = device.Criteria[i].Condition.Evaluate(facts) switch
            {
                Truth.True => CriterionResult.Met,
                Truth.False => CriterionResult.Unmet,
                _ => CriterionResult.Unknown,
            };
            results |= (long)result << (2 * i);
        }
        return results;
    }

    /// <summary>off-label if any criterion is unmet; else indeterminate if any is unknown; else on-label.</summary>
    public static FdaLabelAssessment Assess(FdaDevice device, IFactSource facts) => Assess(device, Results(device, facts));

    public static FdaLabelAssessment Assess(FdaDevice device, long results)
    {
        var criteria = new CriterionAssessment[device.Criteria.Count];
        List<string>? unmet = null, unknown = null;
        for (var i = 0; i < criteria.Length; i++)
        {
            var criterion = device.Criteria[i];
            var result = (CriterionResult)((results >> (2 * i)) & 3);
            if (result == CriterionResult.Unmet) (unmet ??= []).Add(criterion.Id);
            if (result == CriterionResult.Unknown) (unknown ??= []).Add(criterion.Id);
            criteria[i] = new CriterionAssessment(criterion.Id, criterion.Text, result);
        }
        var status = unmet is not null ? FdaLabelStatus.OffLabel
            : unknown is not null ? FdaLabelStatus.Indeterminate
            : FdaLabelStatus.OnLabel;
        return new FdaLabelAssessment
        {
            Device = device.Name,
            Manufacturer = device.Manufacturer,
            Authorization = device.Authorization,
            ProductCode = device.ProductCode,
            DecisionDate = device.DecisionDate,
            Status = status,
            // Shared by every line with the same results: read-only views.
            Criteria = Array.AsReadOnly(criteria),
            Unmet = unmet is null ? [] : unmet.AsReadOnly(),
            Unknown = unknown is null ? [] : unknown.AsReadOnly(),
        };
    }
}
