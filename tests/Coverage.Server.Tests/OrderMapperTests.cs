using Coverage.Fhir;
using Coverage.Fhir.Crd;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="OrderMapper"/>'s date of service: the day occurrence[x] names in its own offset, a Timing's earliest
/// event, and no assessment on a date that names only a year or a month (docs/decisions.md "An order's day of service
/// is read exactly").
/// </summary>
public sealed class OrderMapperTests
{
    private static OrderReading Read(DataType? occurrence) => OrderMapper.Read(
        new ServiceRequest { Code = new CodeableConcept(Ehr.Cpt, "0581T"), Occurrence = occurrence }, _ => null, _ => [])!;

    private static Timing Events(params string[] days) => new() { EventElement = [.. days.Select(d => new FhirDateTime(d))] };

    [Theory]
    [InlineData("2026-12-15", "2026-12-15")]
    [InlineData("2026-12-15T23:30:00-08:00", "2026-12-15")] // the day where it happens, not UTC's (the 16th)
    [InlineData("2026-12-16T00:30:00+09:00", "2026-12-16")]
    public void ADateTime_IsTheDayItNames_InItsOwnOffset(string occurrence, string day)
    {
        Assert.Equal(DateOnly.Parse(day), Read(new FhirDateTime(occurrence)).Facts!.Date);
    }

    [Fact]
    public void ATiming_IsItsEarliestEvent_NotItsFirst()
    {
        Assert.Equal(new DateOnly(2026, 12, 15), Read(Events("2027-03-01", "2026-12-15", "2027-01-10")).Facts!.Date);
    }

    [Fact]
    public void ATimingWithoutEvents_IsTheStartOfItsBounds_OrNoDay()
    {
        var bounded = new Timing { Repeat = new Timing.RepeatComponent { Bounds = new Period { Start = "2026-12-20", End = "2027-06-20" } } };
        // The Inferno CRD kit's order-dispatch order: a Timing bounded by a duration names no day; today is assumed.
        var duration = new Timing { Repeat = new Timing.RepeatComponent { Bounds = new Duration { Value = 8, Unit = "mo", Code = "mo", System = "http://unitsofmeasure.org" } } };

        Assert.Equal(new DateOnly(2026, 12, 20), Read(bounded).Facts!.Date);
        Assert.Null(Read(duration).Facts!.Date);
        Assert.Null(Read(null).Facts!.Date);
    }

    [Theory]
    [InlineData("2026")]
    [InlineData("2026-12")]
    public void ADateNamingOnlyAYearOrAMonth_IsNotAssessed_NeverItsFirstDay(string partial)
    {
        foreach (var occurrence in new DataType[] { new FhirDateTime(partial), new Period { Start = partial }, Events("2026-12-15", partial) })
        {
            var reading = Read(occurrence);

            Assert.Null(reading.Facts);
            Assert.Contains($"'{partial}'", reading.NotAssessed, StringComparison.Ordinal);
            Assert.Contains("Give the day of service", reading.NotAssessed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnAppointment_IsOnTheDayOfItsStart_InItsOwnOffset()
    {
        var appointment = new Appointment
        {
            Status = Appointment.AppointmentStatus.Proposed,
            ServiceType = [new CodeableConcept(Ehr.Cpt, "0581T")],
            StartElement = new Instant(DateTimeOffset.Parse("2026-12-15T20:00:00-05:00", System.Globalization.CultureInfo.InvariantCulture)),
        };

        Assert.Equal(new DateOnly(2026, 12, 15), OrderMapper.Read(appointment, _ => null, _ => [])!.Facts!.Date);
    }

    [Fact]
    public void AnAppointmentBasedOnAnOrder_IsOnItsOwnDay_ElseTheOrders_AndAnOrdersMonthOnlyIsNotAssessed()
    {
        var order = new ServiceRequest { Id = "sr-1", Code = new CodeableConcept(Ehr.Cpt, "0581T"), Occurrence = new FhirDateTime("2026-12") };
        var appointment = new Appointment { Status = Appointment.AppointmentStatus.Proposed, BasedOn = [new ResourceReference("ServiceRequest/sr-1")] };
        Resource? Resolve(ResourceReference _) => order;

        var withoutStart = OrderMapper.Read(appointment, Resolve, _ => [])!;
        Assert.Null(withoutStart.Facts);
        Assert.Contains("'2026-12'", withoutStart.NotAssessed, StringComparison.Ordinal);

        appointment.StartElement = new Instant(new DateTimeOffset(2026, 12, 15, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 12, 15), OrderMapper.Read(appointment, Resolve, _ => [])!.Facts!.Date);

        appointment.StartElement = null;
        order.Occurrence = new FhirDateTime("2026-12-20");
        Assert.Equal(new DateOnly(2026, 12, 20), OrderMapper.Read(appointment, Resolve, _ => [])!.Facts!.Date);
    }

    [Fact]
    public void AnAppointmentReadFromJson_KeepsItsOffset()
    {
        var appointment = FhirJson.Parse<Appointment>(
            """{"resourceType":"Appointment","status":"proposed","serviceType":[{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"0581T"}]}],"start":"2026-12-15T20:00:00-05:00","participant":[{"status":"accepted"}]}""", out var problems);

        Assert.Null(problems);
        Assert.Equal(new DateOnly(2026, 12, 15), OrderMapper.Read(appointment!, _ => null, _ => [])!.Facts!.Date);
    }
}
