namespace AksRunCommand.Tests;

public sealed class AksRunCommandClientOptionsTests
{
    [Fact]
    public void DefaultApiVersion_IsTheSpecInfoVersion()
    {
        using var spec = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "spec", "aks-runcommand.json")));

        var specVersion = spec.RootElement.GetProperty("info").GetProperty("version").GetString();
        var defaultVersion = new AksRunCommandClientOptions().ApiVersion;

        Assert.Equal(specVersion, defaultVersion);
    }

    [Theory]
    [InlineData("http://management.azure.com")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://10.0.0.1:8080")]
    public void Endpoint_PlainHttpOffLoopback_IsRejected(string endpoint)
    {
        var options = new AksRunCommandClientOptions();

        var error = Assert.Throws<ArgumentException>(() => options.Endpoint = new Uri(endpoint));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://management.usgovcloudapi.net")]
    public void Endpoint_HttpsOrLoopbackHttp_IsAccepted(string endpoint)
    {
        var options = new AksRunCommandClientOptions { Endpoint = new Uri(endpoint) };

        Assert.Equal(new Uri(endpoint), options.Endpoint);
    }
}
