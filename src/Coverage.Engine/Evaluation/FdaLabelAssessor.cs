using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;

namespace Coverage.Engine.Evaluation;

/// <summary>Assesses a line against the indication of the FDA-authorised device for its modality (spec section 7).</summary>
internal static class FdaLabelAssessor
{
    public static readonly FdaLabelAssessment NoAuthorizedDevice = new() { Status = FdaLabelStatus.NoAuthorizedDevice };

    /// <summary>The device authorised for the modality on the date of service, if any.</summary>
    public static FdaDevice? DeviceFor(CoveragePolicy policy, string modality, DateOnly dateOfService)
    {
        foreach (var device in policy.FdaDevices)
            if (device.Modalities.Contains(modality) && device.DecisionDate <= dateOfService)
                return device;
        return null;
    }

    /// <summary>off-label if any criterion is unmet; else indeterminate if any is unknown; else on-label.</summary>
    public static FdaLabelAssessment Assess(FdaDevice device, IFactSource facts)
    {
        var criteria = new CriterionAssessment[device.Criteria.Count];
        List<string>? unmet = null, unknown = null;
        for (var i = 0; i < criteria.Length; i++)
        {
            var criterion = device.Criteria[i];
            var result = criterion.Condition.Evaluate(facts) switch
            {
                Truth.True => CriterionResult.Met,
                Truth.False => CriterionResult.Unmet,
                _ => CriterionResult.Unknown,
            };
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
            Criteria = criteria,
            Unmet = (IReadOnlyList<string>?)unmet ?? [],
            Unknown = (IReadOnlyList<string>?)unknown ?? [],
        };
    }
}
