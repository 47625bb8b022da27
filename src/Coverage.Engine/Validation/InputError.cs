namespace Coverage.Engine.Validation;

/// <summary>An input error: the field (a JSON path such as serviceLines[0].code) and what is wrong with it.</summary>
public sealed record InputError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
