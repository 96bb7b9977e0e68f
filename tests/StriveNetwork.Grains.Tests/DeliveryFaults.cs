namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Which incoming grain calls the cluster rejects (shared by every silo): read by <see cref="DeliveryFaultFilter"/>.
/// A receiver method can be blocked until unblocked, fail a number of times before it runs, or lose the answer of a
/// number of calls after it ran (as a lost response would); either way the caller gets a
/// <see cref="DeliveryRejectedException"/>, which the outbox retries like any transport error.
/// </summary>
public sealed class DeliveryFaults
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _rejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _lostAnswers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blocked = new(StringComparer.Ordinal);

    /// <summary>Rejects every call of <paramref name="method"/> (e.g. "ApplyDeltaAsync") until <see cref="Unblock"/>.</summary>
    public void Block(string method)
    {
        lock (_gate)
        {
            _blocked.Add(method);
        }
    }

    /// <summary>Lets calls of <paramref name="method"/> through again.</summary>
    public void Unblock(string method)
    {
        lock (_gate)
        {
            _blocked.Remove(method);
        }
    }

    /// <summary>Rejects the next <paramref name="times"/> calls of <paramref name="method"/>.</summary>
    public void FailNext(string method, int times)
    {
        lock (_gate)
        {
            _failures[method] = times;
        }
    }

    /// <summary>Lets the next <paramref name="times"/> calls of <paramref name="method"/> run, then fails them as if their answer were lost.</summary>
    public void LoseNextAnswers(string method, int times)
    {
        lock (_gate)
        {
            _lostAnswers[method] = times;
        }
    }

    /// <summary>Calls of <paramref name="method"/> that reached a silo (rejected or not).</summary>
    public int Calls(string method)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(method);
        }
    }

    /// <summary>Calls of <paramref name="method"/> rejected so far (before they ran, or by losing their answer).</summary>
    public int Rejected(string method)
    {
        lock (_gate)
        {
            return _rejected.GetValueOrDefault(method);
        }
    }

    /// <summary>Counts the call and throws when it is to be rejected before it runs.</summary>
    public void BeforeCall(string method)
    {
        lock (_gate)
        {
            _calls[method] = _calls.GetValueOrDefault(method) + 1;
            var failures = _failures.GetValueOrDefault(method);
            if (!_blocked.Contains(method) && failures == 0)
            {
                return;
            }

            if (failures > 0)
            {
                _failures[method] = failures - 1;
            }

            _rejected[method] = _rejected.GetValueOrDefault(method) + 1;
        }

        throw new DeliveryRejectedException($"{method} rejected (test)");
    }

    /// <summary>Throws when the answer of the call, which ran, is to be lost.</summary>
    public void AfterCall(string method)
    {
        lock (_gate)
        {
            var lost = _lostAnswers.GetValueOrDefault(method);
            if (lost == 0)
            {
                return;
            }

            _lostAnswers[method] = lost - 1;
            _rejected[method] = _rejected.GetValueOrDefault(method) + 1;
        }

        throw new DeliveryRejectedException($"answer of {method} lost (test)");
    }
}
