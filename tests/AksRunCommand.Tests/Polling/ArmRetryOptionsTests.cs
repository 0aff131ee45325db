namespace AksRunCommand.Tests.Polling;

public sealed class ArmRetryOptionsTests
{
    [Fact]
    public void RetryOptions_OutOfRange_ThrowsNamingTheProperty()
    {
        var options = new ArmRetryOptions();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxRetries = 21);

        Assert.Equal("MaxRetries", error.ParamName);
    }
}
