using WireMock;

namespace AksRunCommand.Testing;

/// <summary>What a request names and what the fake decided before looking at it: the cluster, its behaviour, an answer that ends it here, the throttling header to add.</summary>
internal sealed record FakeAksTarget(ClusterId Cluster, string? ApiVersion, FakeCluster? Behaviour, IResponseMessage? Rejected, (string Name, string Value)? Remaining)
{
    /// <summary>The answer with the throttling header every answer of a throttled fake carries.</summary>
    public IResponseMessage Stamp(IResponseMessage response)
    {
        if (Remaining is { } header && response is ResponseMessage message)
        {
            message.AddHeader(header.Name, header.Value);
        }

        return response;
    }
}
