using System.Text.Encodings.Web;
using System.Text.Json;
using AksRunCommand.Generated.Models;
using AksRunCommand.Tests.Infrastructure;
using Microsoft.Kiota.Serialization.Json;
using WaitUntil = Azure.WaitUntil;

namespace AksRunCommand.Tests.Operations;

// Exact on the wire: base64 goes out unescaped, and the size check measures the bytes that are sent.
public sealed class RequestSizeTests : IDisposable
{
    private const string Command = "kubectl apply -f big.bin";
    private readonly FakeAksFixture _arm = new();

    public void Dispose() => _arm.Dispose();

    [Fact]
    public async Task Base64Context_GoesOutUnescaped_AndTheBodyIsTheMeasuredSize()
    {
        var context = RandomContext(200_000, out var bytes);
        Assert.Contains('+', context.Base64);
        var client = _arm.CreateClient();

        await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent(Command) { Context = context });

        var run = Assert.Single(_arm.Aks.Runs);
        Assert.Equal(RequestBytes(context), run.BodyBytes);
        Assert.True(run.BodyBytes < context.EncodedLength + 100, $"{run.BodyBytes} bytes sent for {context.EncodedLength} base64 characters");
        Assert.Equal(bytes, Assert.Single(run.ContextFiles).Content);
    }

    [Fact]
    public async Task RequestExactlyAtTheLimit_IsSentAndAccepted()
    {
        var context = RandomContext(200_000, out _);
        var client = _arm.CreateClient(o => o.MaxRequestBytes = (int)RequestBytes(context));

        var operation = await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent(Command) { Context = context });

        Assert.Equal(202, Assert.Single(_arm.Aks.Runs).Status);
        Assert.NotEmpty(operation.Id);
    }

    [Fact]
    public async Task RequestOneByteOverTheLimit_IsRefusedWithZeroRequests()
    {
        var context = RandomContext(200_000, out _);
        var client = _arm.CreateClient(o => o.MaxRequestBytes = (int)RequestBytes(context) - 1);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent(Command) { Context = context }));

        Assert.Empty(_arm.Aks.Runs);
        Assert.Contains($"The run request is {RequestBytes(context):N0} bytes, over the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContextJustUnderTheBuildersDefaultLimit_GoesOutUnderTheDefaultRequestLimit()
    {
        // Random bytes do not compress: about 3 bytes of zip per 4 characters of base64, just under 4,128,768.
        var context = RandomContext(3_095_500, out _);
        Assert.InRange(context.EncodedLength, CommandContextOptions.DefaultMaxEncodedLength - 2_000, CommandContextOptions.DefaultMaxEncodedLength);
        var client = _arm.CreateClient();

        await client.RunCommandAsync(WaitUntil.Started, FakeAksFixture.Cluster, new RunCommandContent(Command) { Context = context });

        var run = Assert.Single(_arm.Aks.Runs);
        Assert.Equal(202, run.Status);
        Assert.True(run.BodyBytes <= AksRunCommandClientOptions.DefaultMaxRequestBytes, $"{run.BodyBytes:N0} bytes");
    }

    private static CommandContext RandomContext(int size, out byte[] bytes)
    {
        bytes = new byte[size];
        new Random(42).NextBytes(bytes);
        return new CommandContextBuilder().AddBytes("big.bin", bytes).Build();
    }

    // What the client's own writer makes of the request: unescaped JSON, the same settings as on the wire.
    private static long RequestBytes(CommandContext context)
    {
        using var writer = new JsonSerializationWriter(new KiotaJsonSerializationContext(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        writer.WriteObjectValue(null, new RunCommandRequest { Command = Command, Context = context.Base64 });
        using var content = writer.GetSerializedContent();
        return content.Length;
    }
}
