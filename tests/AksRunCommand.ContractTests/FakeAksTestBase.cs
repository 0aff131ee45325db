using AksRunCommand.Testing;

namespace AksRunCommand.ContractTests;

/// <summary>A fresh fake AKS and a real client per test, sharing one manually driven clock.</summary>
public abstract class FakeAksTestBase : IDisposable
{
    protected FakeAksTestBase()
    {
        Clock = new ManualClock();
        Fake = FakeAks.Start(new FakeAksOptions { TimeProvider = Clock });
        Client = Fake.CreateClient(o => o.TimeProvider = Clock);
    }

    protected static ClusterId Cluster { get; } = new("11111111-2222-3333-4444-555555555555", "rg-contract", "aks-contract");

    protected ManualClock Clock { get; }

    protected FakeAks Fake { get; }

    protected AksRunCommandClient Client { get; set; }

    public void Dispose()
    {
        Fake.Dispose();
        GC.SuppressFinalize(this);
    }
}
