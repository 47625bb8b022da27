namespace Coverage.Engine.Model;

/// <summary>
/// A member's age, one rule for every part of the product (the evaluator's criteria, the case page, the
/// notice): whole years on the date. Someone born on 29 February turns a year older on 1 March in common
/// years (docs/decisions.md).
/// </summary>
public static class MemberAge
{
    public static int On(DateOnly birthDate, DateOnly date)
    {
        var age = date.Year - birthDate.Year;
        if (date.Month < birthDate.Month || (date.Month == birthDate.Month && date.Day < birthDate.Day)) age--;
        return age;
    }
}
