using Microsoft.Extensions.Options;

namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// Validates <see cref="OutboxOptions"/> when the host starts, against the minimum reminder period the host's Orleans
/// accepts (so a reminder period Orleans would refuse at the first registration stops the host instead).
/// </summary>
internal sealed class OutboxOptionsValidation(IOptions<ReminderOptions> reminders) : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate(reminders.Value.MinimumReminderPeriod);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
