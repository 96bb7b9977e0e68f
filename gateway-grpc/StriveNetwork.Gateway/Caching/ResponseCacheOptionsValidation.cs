using Microsoft.Extensions.Options;

namespace StriveNetwork.Gateway.Caching;

/// <summary>Validates <see cref="ResponseCacheOptions"/> when the host starts, listing every problem by its configuration key.</summary>
internal sealed class ResponseCacheOptionsValidation : IValidateOptions<ResponseCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, ResponseCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
