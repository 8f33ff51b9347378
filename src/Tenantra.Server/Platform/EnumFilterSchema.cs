using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tenantra.Server.Platform;

/// <summary>
/// <see cref="EnumFilter{TEnum}"/> binds from one query-string value, so the document describes it as
/// a string wherever it appears — a handler's parameter or a property of an <c>[AsParameters]</c> type —
/// inline rather than as an object schema of its own.
/// </summary>
internal sealed class EnumFilterSchema : IOpenApiSchemaTransformer
{
    public static bool IsEnumFilter(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(EnumFilter<>);

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (IsEnumFilter(context.JsonTypeInfo.Type))
        {
            schema.Type = JsonSchemaType.String;
            schema.Properties?.Clear();
            schema.Required?.Clear();
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }

        return Task.CompletedTask;
    }
}
