namespace Tenantra.Server.Platform;

/// <summary>
/// A query-string filter over an enum that accepts the spelling the API writes (camelCase) as well
/// as any other casing, but not numbers. An unknown value fails binding: 400 naming the parameter.
/// </summary>
public readonly record struct EnumFilter<TEnum>(TEnum Value)
    where TEnum : struct, Enum
{
#pragma warning disable CA1000 // Minimal APIs bind a query value through a static TryParse on the parameter's type.
    public static bool TryParse(string? value, out EnumFilter<TEnum> result)
    {
        if (!string.IsNullOrEmpty(value) && !char.IsDigit(value[0]) && value[0] != '-'
            && Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            result = new EnumFilter<TEnum>(parsed);
            return true;
        }

        result = default;
        return false;
    }
#pragma warning restore CA1000
}
