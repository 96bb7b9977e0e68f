using System.Text.Json.Serialization;
using StriveNetwork.Actors.Streams;

namespace StriveNetwork.Actors;

/// <summary>Hand-written invocations for the runtime's own grain interfaces (reminders, stream delivery).</summary>
internal static class SystemInvokers
{
    internal sealed record ReminderInvocation(string Name, TickStatus Status) : GrainInvocation
    {
        [JsonIgnore]
        public override Type InterfaceType => typeof(IRemindable);

        [JsonIgnore]
        public override int MethodId => 0;

        [JsonIgnore]
        public override string MethodName => nameof(IRemindable.ReceiveReminder);

        public override IReadOnlyList<object?> GetArguments() => [Name, Status];
    }

    internal sealed record StreamDeliveryInvocation(StreamEvent Event) : GrainInvocation
    {
        [JsonIgnore]
        public override Type InterfaceType => typeof(IStreamSubscriber);

        [JsonIgnore]
        public override int MethodId => 0;

        [JsonIgnore]
        public override string MethodName => nameof(IStreamSubscriber.OnNextAsync);

        public override IReadOnlyList<object?> GetArguments() => [Event];
    }

    internal sealed class ReminderInvoker : IGrainInvoker
    {
        public async ValueTask<object?> InvokeAsync(object grain, GrainInvocation invocation, CancellationToken cancellationToken)
        {
            var reminder = (ReminderInvocation)invocation;
            if (grain is not IRemindable remindable)
            {
                throw new InvalidOperationException($"{grain.GetType()} received reminder '{reminder.Name}' but does not implement IRemindable.");
            }

            await remindable.ReceiveReminder(reminder.Name, reminder.Status).ConfigureAwait(true);
            return null;
        }
    }

    internal sealed class StreamInvoker : IGrainInvoker
    {
        public async ValueTask<object?> InvokeAsync(object grain, GrainInvocation invocation, CancellationToken cancellationToken)
        {
            var delivery = (StreamDeliveryInvocation)invocation;
            if (grain is not IStreamSubscriber subscriber)
            {
                throw new InvalidOperationException($"{grain.GetType()} has an implicit stream subscription but does not implement IStreamSubscriber.");
            }

            await subscriber.OnNextAsync(delivery.Event, cancellationToken).ConfigureAwait(true);
            return null;
        }
    }
}
