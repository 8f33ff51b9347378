using Microsoft.Extensions.DependencyInjection;
using Tenantra.Data;
using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Data;

/// <summary>The Tenantra model's schema and a test database's schema, side by side.</summary>
public static class TenantraSchema
{
    /// <summary>What <see cref="TenantraDbContext"/>'s model expects on the engine <paramref name="options"/> choose.</summary>
    public static async Task<DatabaseSchema> ExpectedAsync(DatabaseOptions options)
    {
        await using var services = new ServiceCollection().AddTenantraDatabase(options).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        return SchemaComparer.Expected(scope.ServiceProvider.GetRequiredService<TenantraDbContext>());
    }

    public static async Task<DatabaseSchema> ActualAsync(TestDatabase database)
    {
        await using var connection = await OwnerConnection.OpenAsync(database);
        return await DatabaseSchemaReader.ReadAsync(connection);
    }

    public static async Task<IReadOnlyList<SchemaDifference>> DifferencesAsync(TestDatabase database) =>
        SchemaComparer.Compare(await ExpectedAsync(OwnerConnection.Options(database)), await ActualAsync(database));

    /// <summary>Readable failure message: one difference per line.</summary>
    public static string Report(IReadOnlyList<SchemaDifference> differences) =>
        differences.Count == 0 ? "no differences" : $"{differences.Count} differences:\n" + string.Join("\n", differences);
}
