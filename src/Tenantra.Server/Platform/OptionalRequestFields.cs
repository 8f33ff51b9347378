using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tenantra.Server.Platform;

/// <summary>
/// Request bodies declare their fields nullable and check presence themselves
/// (<see cref="IValidatedRequest"/>), so a field may be left out. The document says so: nullable
/// fields of request types are not listed as required, and generated clients may omit them.
/// </summary>
internal sealed class OptionalRequestFields : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var typeInfo = context.JsonTypeInfo;
        if (typeof(IValidatedRequest).IsAssignableFrom(typeInfo.Type) && schema.Required is { Count: > 0 } required)
        {
            foreach (var property in typeInfo.Properties)
            {
                if (!property.PropertyType.IsValueType || Nullable.GetUnderlyingType(property.PropertyType) is not null)
                {
                    required.Remove(property.Name);
                }
            }
        }

        return Task.CompletedTask;
    }
}
