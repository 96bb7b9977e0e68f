using System.Text;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Gateway.Mapping;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Export;

/// <summary>
/// How exports name the API's enum values: genders and populations by their CIA-2024 taxonomy names (the names the
/// importer reads: "Female", "Black or African American"), every other value in lower-case words
/// (<c>EarlyGradeReading</c> becomes "early grade reading").
/// </summary>
internal static class ExportNames
{
    /// <summary>The taxonomy's name of a gender ("All", "Female", "Male").</summary>
    public static string Of(V1.Gender gender) =>
        EnumMap.GenderCode(gender) is { Length: > 0 } code ? PopulationTaxonomy.Cia2024.Gender(code).Name : Words(gender);

    /// <summary>The taxonomy's name of a population ("All Students", "English Language Learner").</summary>
    public static string Of(V1.Population population) =>
        EnumMap.PopulationCode(population) is { Length: > 0 } code ? PopulationTaxonomy.Cia2024.Population(code).Name : Words(population);

    /// <summary>An enum value in lower-case words: <c>SystemsChange</c> becomes "systems change".</summary>
    public static string Words<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var words = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(c));
        }

        return words.ToString();
    }
}
