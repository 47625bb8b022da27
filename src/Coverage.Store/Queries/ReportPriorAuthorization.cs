using Coverage.Engine.Catalogue;
using Coverage.Engine.Model;
using Coverage.Engine.Validation;
using Microsoft.EntityFrameworkCore;

namespace Coverage.Store.Queries;

/// <summary>
/// The prior-authorization report of a period [from, to) (<see cref="PriorAuthorizationMetrics"/>): the initial
/// prior-authorization requests received in the period, each as its history stood at the period's end — its first
/// decision, extension, withdrawal and appeals counted only when they happened before <c>to</c>. Those facts are set
/// once, in the transaction that audits them, and never changed, so a past period gives the same numbers whenever it
/// is run. The report is payer staff's only; running it is audited (a service event, not a read of each case).
/// </summary>
internal sealed class ReportPriorAuthorization(CaseRecords records, PolicyCatalogue catalogue)
{
    public const string AuditSubject = "reports/prior-authorization";

    public async Task<StoreResult<PriorAuthorizationReport>> HandleAsync(DateTime from, DateTime to, ReportScope scope, Caller caller, CancellationToken cancellationToken)
    {
        if (caller.Access != CallerAccess.PayerStaff)
            return StoreResult<PriorAuthorizationReport>.Fail(StoreErrorKind.Forbidden, "The prior-authorization report is the payer's: only payer staff may run it.");
        if (to <= from)
            return StoreResult<PriorAuthorizationReport>.Fail(StoreErrorKind.Invalid, "The period is empty.", [new("to", "must be after from")]);
        if (Invalid(scope) is { Count: > 0 } invalid)
            return StoreResult<PriorAuthorizationReport>.Fail(StoreErrorKind.Invalid, "The report's scope names no line of business or plan of the catalogue.", invalid);
        (from, to) = (Utc(from), Utc(to));

        var kind = RequestKind.PriorAuthorization.ToWire();
        var requests = await records.Db.Cases.AsNoTracking()
            .Where(c => c.AppealOf == null && c.Kind == kind && c.ReceivedAt >= from && c.ReceivedAt < to)
            .Where(c => scope.LineOfBusiness == null || c.LineOfBusiness == scope.LineOfBusiness)
            .Where(c => scope.PlanId == null || c.PlanId == scope.PlanId)
            .Select(c => new
            {
                c.Id, c.Priority, c.ReceivedAt, c.FirstDecidedAt, c.FirstOutcome, c.Status, c.FinalizedAt, c.ExtendedAt, c.SocialRiskFactors,
                ApprovedOnAppeal = records.Db.Cases.Any(a => a.AppealOf == c.Id && a.FirstDecidedAt < to
                    && (a.AppealResult == AppealResults.Overturned || a.AppealResult == AppealResults.PartiallyOverturned)),
            })
            .ToListAsync(cancellationToken);
        var cases = requests.Select(c =>
        {
            var decided = c.FirstDecidedAt is { } at && at < to;
            return new ReportedCase(
                c.Id, c.Priority, c.ReceivedAt, decided ? c.FirstDecidedAt : null, decided ? c.FirstOutcome : null,
                Withdrawn: c.Status == CaseStatus.Cancelled && c.FinalizedAt < to,
                Extended: c.ExtendedAt < to,
                c.ApprovedOnAppeal,
                (c.SocialRiskFactors ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }).OrderBy(c => c.ReceivedAt).ThenBy(c => c.Id).ToList();

        var report = PriorAuthorizationMetrics.Compute(from, to, ItemsOf(catalogue), cases) with { LineOfBusiness = scope.LineOfBusiness, PlanId = scope.PlanId };
        records.AuditService(AuditSubject, "report-run", caller.Actor,
            $"Prior-authorization report of {from:yyyy-MM-dd'T'HH:mm'Z'} to {to:yyyy-MM-dd'T'HH:mm'Z'} ({scope}): {cases.Count} request(s).");
        await records.SaveChangesAsync(cancellationToken);
        return StoreResult<PriorAuthorizationReport>.Ok(report);
    }

    /// <summary>A scope names a line of business plans may name and a plan of the catalogue, or nothing.</summary>
    private List<InputError> Invalid(ReportScope scope)
    {
        var errors = new List<InputError>();
        if (scope.LineOfBusiness is { } lob && !LinesOfBusiness.All.Contains(lob))
            errors.Add(new("lineOfBusiness", $"'{InputEcho.Truncate(lob)}' is not one of {string.Join(", ", LinesOfBusiness.All)}"));
        if (scope.PlanId is { } plan && catalogue.Plans.All(p => p.Id != plan))
            errors.Add(new("plan", $"'{InputEcho.Truncate(plan)}' is not a plan of the catalogue"));
        return errors;
    }

    /// <summary>Every code a policy of the catalogue governs, by policy then code: the items and services the payer authorizes in advance.</summary>
    public static IReadOnlyList<RequiredItem> ItemsOf(PolicyCatalogue catalogue) =>
        [.. catalogue.Policies.OrderBy(p => p.Id, StringComparer.Ordinal)
            .SelectMany(p => p.Codes.Values.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c => new RequiredItem(c.Code, c.System, c.Description, p.Id, p.Title)))];

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
