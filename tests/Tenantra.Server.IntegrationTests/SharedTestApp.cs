using Tenantra.TestCommon;

namespace Tenantra.Server.IntegrationTests;

/// <summary>One app for a whole test class, for classes whose tests each make their own tenants and users.</summary>
public sealed class SharedTestApp : IAsyncLifetime
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
