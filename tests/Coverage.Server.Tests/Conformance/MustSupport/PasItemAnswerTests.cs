using Coverage.Engine.Model;
using Coverage.Fhir;
using Coverage.Fhir.Pas;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests.Conformance.MustSupport;

/// <summary>
/// The must-support elements of a PAS response, one group at a time, on answers built straight from a request and a
/// case (PasResponse.Build): an echo is there only when the item carried it, and is its exact copy; what a
/// certification states is there only on certified items; the request's envelope identifiers are answered back; the
/// authorized providers are the care team the item named. Every ClaimResponse is valid against PAS 2.2.1.
/// </summary>
public sealed class PasItemAnswerTests
{
    private const string ClaimResponseProfile = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse";
    private static readonly DateTimeOffset Now = new(2026, 4, 21, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Evaluated = new(2026, 4, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly ServiceDay = new(2026, 5, 4);

    /// <summary>A one-line request (0581T, C50.412, standard plan) as PasRequest reads it, changed as the test needs.</summary>
    private static PasParties Request(Action<Bundle, Claim>? change = null)
    {
        var bundle = PasRequestBundles.OneLine(new CodeableConcept(FhirSystems.Cpt, "0581T"), "C50.412", Ehr.Coverage("standard"), Ehr.Patient(), "Example surgery", []);
        var claim = (Claim)bundle.Entry[0].Resource!;
        change?.Invoke(bundle, claim);
        var find = (ResourceReference? r) => PasRequest.Find(bundle, r);
        return new PasParties(bundle, claim, find(claim.Patient)!, find(claim.Insurer), find(claim.Provider));
    }

    private static PriorAuthorizationLine Line(int sequence, LineOutcome outcome, string code = "0581T") =>
        new(sequence, new LineReason(code, outcome, null, null, [], []), null, null, null) { DateOfService = ServiceDay };

    private static PriorAuthorizationCase Case(params PriorAuthorizationLine[] lines) =>
        new(Guid.CreateVersion7(Now), "final", Now, lines) { EvaluatedAt = Evaluated };

    private static (Bundle Bundle, ClaimResponse Response) Answer(PasParties request, PriorAuthorizationCase theCase, PasParties? submitted = null)
    {
        var bundle = PasResponse.Build(request, theCase, "https://payer.example/cases", Now, submitted: submitted);
        // The ClaimResponse against its profile (the test's own request resources are not PAS-complete: no Patient name).
        var response = Assert.IsType<ClaimResponse>(bundle.Entry[0].Resource);
        var errors = IgValidator.Pas221.Errors(response, ClaimResponseProfile);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return (bundle, response);
    }

    private static IEnumerable<Extension> Extensions(ClaimResponse.ItemComponent item, string url) => item.Extension.Where(e => e.Url == url);

    private static T Value<T>(Extension extension) where T : DataType => Assert.IsType<T>(extension.Value);

    [Fact]
    public void AnItemWithoutTraceNumberOrPriorAuthorization_RepeatsNone_ButItsRequestedDate()
    {
        var (_, response) = Answer(Request(), Case(Line(1, LineOutcome.Covered)));

        var item = Assert.Single(response.Item);
        Assert.Empty(Extensions(item, PasSystems.ItemTraceNumber));
        Assert.Empty(Extensions(item, PasSystems.AuthorizationNumber));
        Assert.Equal("2026-05-04", Assert.IsType<FhirDateTime>(Assert.Single(Extensions(item, PasSystems.ItemRequestedServiceDate)).Value).Value);
    }

    [Fact]
    public void AnItemsTraceNumbersAndPriorAuthorization_AreRepeatedExactly_AndItsRequestedPeriod()
    {
        var request = Request((_, claim) =>
        {
            var item = claim.Item[0];
            item.Extension.Add(new Extension(PasSystems.ItemTraceNumber, new Identifier("urn:trace", "T-1")));
            item.Extension.Add(new Extension(PasSystems.ItemTraceNumber, new Identifier("urn:trace", "T-2")));
            item.Extension.Add(new Extension(PasSystems.AuthorizationNumber, new FhirString("AUTH-7")));
            item.Serviced = new Period { Start = "2026-05-04", End = "2026-05-06" };
        });

        var (_, response) = Answer(request, Case(Line(1, LineOutcome.InformationRequired)));

        var item = Assert.Single(response.Item);
        Assert.Equal(["T-1", "T-2"], Extensions(item, PasSystems.ItemTraceNumber).Select(e => Value<Identifier>(e).Value));
        Assert.Equal("AUTH-7", Value<FhirString>(Assert.Single(Extensions(item, PasSystems.AuthorizationNumber))).Value);
        var period = Assert.IsType<Period>(Assert.Single(Extensions(item, PasSystems.ItemRequestedServiceDate)).Value);
        Assert.Equal(("2026-05-04", "2026-05-06"), (period.Start, period.End));
    }

    [Fact]
    public void AnItemTheCaseDecidedUnderAnotherCode_IsNotRepeated()
    {
        // A kept submission an update has since changed: its item 1 was 0581T, the case's line 1 is now 0582T.
        var request = Request((_, claim) => claim.Item[0].Extension.Add(new Extension(PasSystems.ItemTraceNumber, new Identifier("urn:trace", "T-1"))));

        var (_, response) = Answer(request, Case(Line(1, LineOutcome.Covered, code: "0582T")));

        var item = Assert.Single(response.Item);
        Assert.Empty(Extensions(item, PasSystems.ItemTraceNumber));
        Assert.Empty(Extensions(item, PasSystems.ItemRequestedServiceDate));
        Assert.Empty(Extensions(item, PasSystems.ItemAuthorizedDetail));
    }

    [Fact]
    public void OnlyACertifiedItem_StatesItsIssueDatePeriodAndDetail_AndTheRequestItsPeriod()
    {
        var request = Request((_, claim) =>
        {
            var second = (Claim.ItemComponent)claim.Item[0].DeepCopy();
            second.Sequence = 2;
            claim.Item.Add(second);
            claim.Item[0].Quantity = new Quantity { Value = 2 };
            claim.Item[0].Modifier = [new CodeableConcept("http://www.ama-assn.org/go/cpt", "50")];
        });

        var (_, response) = Answer(request, Case(Line(1, LineOutcome.Covered), Line(2, LineOutcome.InformationRequired)));

        var (certified, pended) = (response.Item[0], response.Item[1]);
        Assert.Equal("2026-04-20", Value<Date>(Assert.Single(Extensions(certified, PasSystems.ItemPreAuthIssueDate))).Value);
        var valid = Value<Period>(Assert.Single(Extensions(certified, PasSystems.ItemPreAuthPeriod)));
        Assert.Equal(("2026-05-04", "2026-05-04"), (valid.Start, valid.End));
        var detail = Assert.Single(Extensions(certified, PasSystems.ItemAuthorizedDetail));
        Assert.Equal("0581T", Value<CodeableConcept>(detail.Extension.Single(e => e.Url == "productOrServiceCode")).Coding.Single().Code);
        Assert.Equal("50", Value<CodeableConcept>(detail.Extension.Single(e => e.Url == "modifier")).Coding.Single().Code);
        Assert.Equal(2m, Value<Quantity>(detail.Extension.Single(e => e.Url == "quantity")).Value);
        foreach (var url in new[] { PasSystems.ItemPreAuthIssueDate, PasSystems.ItemPreAuthPeriod, PasSystems.ItemAuthorizedDetail, PasSystems.ItemAuthorizedProvider })
            Assert.Empty(Extensions(pended, url));
        Assert.NotNull(response.PreAuthPeriod);
        Assert.Equal(("2026-05-04", "2026-05-04"), (response.PreAuthPeriod.Start, response.PreAuthPeriod.End));
        // Mixed actions: no single review action for the request as a whole.
        Assert.Empty(response.Adjudication);
    }

    [Fact]
    public void ARequestNothingOfWhichIsCertified_HasNoPreAuthPeriod_AndItsOneActionAtTheHeader()
    {
        var (_, response) = Answer(Request(), Case(Line(1, LineOutcome.InformationRequired)));

        Assert.Null(response.PreAuthPeriod);
        Assert.Null(response.PreAuthRef);
        var header = Assert.Single(Assert.Single(response.Adjudication).Extension, e => e.Url == FhirSystems.PasReviewAction);
        Assert.Equal("A4", Value<CodeableConcept>(header.Extension.Single(e => e.Url == FhirSystems.PasReviewActionCode)).Coding.Single().Code);
    }

    [Fact]
    public void AnOverturnedLine_WasIssuedWhenThePhysicianDecided()
    {
        var decided = new DateTimeOffset(2026, 4, 23, 15, 0, 0, TimeSpan.Zero);
        var line = new PriorAuthorizationLine(1, new LineReason("0581T", LineOutcome.NotMedicallyNecessary, null, null, [], []), "overturn", "Meets criteria on review.", decided)
        {
            DateOfService = ServiceDay,
        };

        var (_, response) = Answer(Request(), Case(line));

        Assert.Equal("2026-04-23", Value<Date>(Assert.Single(Extensions(response.Item[0], PasSystems.ItemPreAuthIssueDate))).Value);
    }

    [Fact]
    public void TheCareTeamAPractitionerRoleNamed_IsAuthorizedAsItsPractitioner_CarriedInTheBundle()
    {
        var practitionerUrl = PasRequestBundles.Urn();
        var roleUrl = PasRequestBundles.Urn();
        var request = Request((bundle, claim) =>
        {
            var practitioner = new Practitioner { Identifier = [new Identifier("http://hl7.org/fhir/sid/us-npi", "1234567893")], Name = [new HumanName { Family = "Surgeon" }] };
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = practitionerUrl, Resource = practitioner });
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = roleUrl, Resource = new PractitionerRole { Practitioner = new ResourceReference(practitionerUrl) } });
            claim.CareTeam.Add(new Claim.CareTeamComponent
            {
                Sequence = 1,
                Provider = new ResourceReference(roleUrl),
                Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claimcareteamrole", "primary"),
            });
            claim.Item[0].CareTeamSequence = [1];
        });

        var (bundle, response) = Answer(request, Case(Line(1, LineOutcome.Covered)));

        var authorized = Assert.Single(Extensions(response.Item[0], PasSystems.ItemAuthorizedProvider));
        Assert.Equal(practitionerUrl, Value<ResourceReference>(authorized.Extension.Single(e => e.Url == "provider")).Reference);
        Assert.Equal("primary", Value<CodeableConcept>(authorized.Extension.Single(e => e.Url == "role")).Coding.Single().Code);
        Assert.IsType<Practitioner>(Assert.Single(bundle.Entry, e => e.FullUrl == practitionerUrl).Resource);
    }

    [Fact]
    public void ACareTeamMemberNotInTheBundle_IsNotAuthorized()
    {
        var request = Request((_, claim) =>
        {
            claim.CareTeam.Add(new Claim.CareTeamComponent { Sequence = 1, Provider = new ResourceReference("Practitioner/elsewhere") });
            claim.Item[0].CareTeamSequence = [1];
        });

        var (_, response) = Answer(request, Case(Line(1, LineOutcome.Covered)));

        Assert.Empty(Extensions(response.Item[0], PasSystems.ItemAuthorizedProvider));
    }

    [Fact]
    public void TheRequestsEnvelopeIdentifiers_AreAnsweredFromTheReceiverToTheSender()
    {
        var request = Request((_, claim) =>
        {
            var envelope = new Extension { Url = PasSystems.TransmissionIdentifiers };
            envelope.Extension.Add(new Extension("applicationSenderCode", new FhirString("EHR-APP")));
            envelope.Extension.Add(new Extension("applicationReceiverCode", new FhirString("PAYER-APP")));
            envelope.Extension.Add(new Extension("interchangeSenderID", new FhirString("EHR-ISA")));
            claim.Extension.Add(envelope);
        });

        var (_, response) = Answer(request, Case(Line(1, LineOutcome.Covered)));

        var answered = Assert.Single(response.Extension, e => e.Url == PasSystems.TransmissionIdentifiers);
        Assert.Equal(
            [("applicationSenderCode", "PAYER-APP"), ("applicationReceiverCode", "EHR-APP"), ("interchangeReceiverID", "EHR-ISA")],
            answered.Extension.Select(e => (e.Url, Value<FhirString>(e).Value)));
    }

    [Fact]
    public void ARequestWithoutEnvelopeIdentifiers_OrWithHalfOfThem_IsAnsweredWithNone()
    {
        var half = Request((_, claim) =>
        {
            var envelope = new Extension { Url = PasSystems.TransmissionIdentifiers };
            envelope.Extension.Add(new Extension("applicationSenderCode", new FhirString("EHR-APP")));
            claim.Extension.Add(envelope);
        });

        Assert.DoesNotContain(Answer(Request(), Case(Line(1, LineOutcome.Covered))).Response.Extension, e => e.Url == PasSystems.TransmissionIdentifiers);
        Assert.DoesNotContain(Answer(half, Case(Line(1, LineOutcome.Covered))).Response.Extension, e => e.Url == PasSystems.TransmissionIdentifiers);
    }
}
