namespace Coverage.Fhir.Pas;

/// <summary>
/// A business error in an accepted PAS request (the Bundle is well formed, the payer cannot act on it): answered 200
/// with a ClaimResponse of outcome <c>error</c>, one <c>error</c> per problem with its X12 901 reject reason code.
/// </summary>
/// <param name="Code">X12 901 (AAA03), e.g. 57 invalid/missing date of service, AG invalid/missing procedure code.</param>
/// <param name="Element">The FHIR path of the element at fault (the IG's errorPath).</param>
/// <param name="Message">Plain words for the provider; never names this payer's internal identifiers.</param>
/// <param name="ItemSequence">The Claim item it is about, when it is about one.</param>
public sealed record PasError(string Code, string Element, string Message, int? ItemSequence = null)
{
    /// <summary>The X12 901 codes these answers use, with their names.</summary>
    public static string Display(string code) => code switch
    {
        InvalidOrMissingDateOfService => "Invalid/Missing Date(s) of Service",
        InvalidOrMissingDateOfBirth => "Invalid/Missing Date-of-Birth",
        InvalidOrMissingSubscriberId => "Invalid/Missing Subscriber/Insured ID",
        NotInPlan => "Subscriber/Insured Not in Group/Plan Identified",
        InvalidOrMissingDiagnosis => "Invalid/Missing Diagnosis Code(s)",
        InvalidOrMissingProcedure => "Invalid/Missing Procedure Code(s)",
        InputErrors => "Input Errors",
        PriorRequestNotFound => "Authorization Number Not Found",
        InvalidParticipant => "Invalid Participant Identification",
        _ => code,
    };

    public const string InvalidOrMissingDateOfService = "57";
    public const string InvalidOrMissingDateOfBirth = "58";
    public const string InvalidOrMissingSubscriberId = "72";
    public const string NotInPlan = "78";
    public const string InvalidOrMissingDiagnosis = "AF";
    public const string InvalidOrMissingProcedure = "AG";
    public const string InputErrors = "33";
    /// <summary>The request names another payer as its insurer or its Coverage's payor.</summary>
    public const string InvalidParticipant = "79";
    /// <summary>A Claim update names a request this payer does not hold for the member and provider.</summary>
    public const string PriorRequestNotFound = "AA";
}
