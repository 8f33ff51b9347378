namespace Tenantra.Server.Platform;

/// <summary>
/// A request body that checks itself. Field names in the errors are the JSON property names,
/// so the console can show each message next to its field.
/// </summary>
public interface IValidatedRequest
{
    void Validate(ValidationErrors errors);
}

/// <summary>Field-level errors collected by <see cref="IValidatedRequest.Validate"/>.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Messages collected so far, over all fields.</summary>
    public int Count => _errors.Values.Sum(messages => messages.Count);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
        }
        else
        {
            MaxLength(field, value, maxLength);
        }
    }

    /// <summary>Also refuses control characters (NUL among them, which PostgreSQL cannot store in text).</summary>
    public void MaxLength(string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters.");
        }
        else if (value.Any(char.IsControl))
        {
            Add(field, "must not contain control characters.");
        }
    }

    public void Email(string field, string? value)
    {
        Required(field, value, 254);
        if (!string.IsNullOrWhiteSpace(value) && (!System.Net.Mail.MailAddress.TryCreate(value, out var parsed) || parsed.Address != value))
        {
            Add(field, "is not a valid email address.");
        }
    }

    public void Defined<TEnum>(string field, TEnum? value)
        where TEnum : struct, Enum
    {
        if (value is null)
        {
            Add(field, "is required.");
        }
        else if (!Enum.IsDefined(value.Value))
        {
            Add(field, $"must be one of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

internal sealed class ValidationFilter<T> : IEndpointFilter
    where T : IValidatedRequest
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<T>().FirstOrDefault();
        if (request is null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }

        var errors = new ValidationErrors();
        request.Validate(errors);
        return errors.IsEmpty ? await next(context) : Problems.Validation(errors.ToDictionary());
    }
}

public static class ValidationEndpointExtensions
{
    /// <summary>Validates the <typeparamref name="T"/> body before the handler runs; 400 problem details otherwise.</summary>
    public static RouteHandlerBuilder Validates<T>(this RouteHandlerBuilder builder)
        where T : IValidatedRequest =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}
