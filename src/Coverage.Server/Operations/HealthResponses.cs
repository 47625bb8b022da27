using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coverage.Server.Operations;

/// <summary>
/// The body of /health/live and /health/ready: the overall status and each check's status and description, as
/// JSON. No exception text: a probe's answer is public to whoever can reach it.
/// </summary>
internal static class HealthResponses
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = Name(report.Status),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = Name(e.Value.Status), description = e.Value.Description, data = e.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
