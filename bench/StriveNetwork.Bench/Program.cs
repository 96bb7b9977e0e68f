using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace StriveNetwork.Bench;

public static class Program
{
    public static void Main(string[] args)
    {
        // BenchmarkDotNet builds a generated project that rebuilds this one and its references (Orleans codegen
        // included); on 2 cores beside other builds that can pass the default 2-minute limit, failing every case.
        var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
