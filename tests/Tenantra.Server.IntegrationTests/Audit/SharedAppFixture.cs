using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests.Audit;

/// <summary>One app shared by a test class whose tests each build their own tenants.</summary>
public sealed class SharedAppFixture : IAsyncLifetime
{
    public TenantraTestApp App { get; private set; } = null!;

    public TestData Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TenantraTestApp.StartAsync();
        Data = new TestData(App);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
