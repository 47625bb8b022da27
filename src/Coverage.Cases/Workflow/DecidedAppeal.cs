namespace Coverage.Cases;

/// <summary>An appeal of a case that its physician decided: the appeal's case id and its result (<see cref="AppealResults"/>).</summary>
public sealed record DecidedAppeal(Guid Id, string Result);
