using System.Collections;
using Coverage.Fhir;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace Coverage.Server.Tests;

/// <summary>
/// <see cref="ElementFields"/> reads an element from the field behind its property; these tests hold that reading to
/// the POCO's own <see cref="Base.TryGetValue"/> on every object of the kits' and IGs' payloads and the samples, and
/// check that every element of every R4 type is read from its field (a type whose field is not found is still right,
/// only slower: asked by name).
/// </summary>
public sealed class ElementFieldsTests
{
    private static readonly ModelInspector Inspector = ModelInfo.ModelInspector;

    [Fact]
    public void EveryElementOfEveryR4Type_IsReadFromItsField()
    {
        var types = typeof(Patient).Assembly.GetTypes().Concat(typeof(Base).Assembly.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition && typeof(Base).IsAssignableFrom(t)
                && t.GetCustomAttributes(typeof(FhirTypeAttribute), false).Length != 0);
        var elements = 0;
        var askedByName = new List<string>();
        foreach (var type in types)
        {
            if (Inspector.FindOrImportClassMapping(type) is not { } mapping) continue;
            foreach (var property in mapping.PropertyMappings.Where(p => p.NativeProperty is not null && !p.IsPrimitive))
            {
                elements++;
                if (!ElementFields.Of(property).ReadsField) askedByName.Add($"{type.Name}.{property.Name}");
            }
        }

        Assert.True(elements > 3000, $"only {elements} elements found");
        Assert.Empty(askedByName);
    }

    [Fact]
    public void OnEveryObjectOfTheCorpus_TheFieldGivesWhatTryGetValueGives()
    {
        var objects = 0;
        var present = 0;
        foreach (var (source, json) in ModelRulesTests.CorpusResources())
        {
            if (ModelRulesTests.SyntaxOnlyRead(json) is not { } resource) continue;
            foreach (var node in Walk(resource))
            {
                if (node.HasOverflow || Inspector.FindOrImportClassMapping(node.GetType()) is not { } mapping) continue;
                objects++;
                foreach (var property in mapping.PropertyMappings)
                {
                    var expected = node.TryGetValue(property.Name, out var expectedValue);
                    var actual = ElementFields.Of(property).TryGet(node, out var actualValue);
                    Assert.True(expected == actual, $"{source}: {mapping.Name}.{property.Name} present {actual}, TryGetValue says {expected}");
                    if (!expected) continue;
                    present++;
                    Assert.True(Equals(expectedValue, actualValue), $"{source}: {mapping.Name}.{property.Name} read another value than TryGetValue's");
                }
            }
        }

        Assert.True(objects > 10000 && present > 20000, $"only {objects} objects and {present} present elements compared");
    }

    [Fact]
    public void AnEmptyListOrAnAbsentElement_IsNotPresent_AndIsNotMadeByTheReading()
    {
        var patient = new Patient();
        var mapping = Inspector.FindOrImportClassMapping(typeof(Patient))!;
        var name = ElementFields.Of(mapping.FindMappedElementByName("name")!);
        var gender = ElementFields.Of(mapping.FindMappedElementByName("gender")!);

        Assert.False(name.TryGet(patient, out _));
        Assert.False(gender.TryGet(patient, out _));
        Assert.False(patient.TryGetValue("name", out _)); // the reading made no list (Firely's getter would have)

        patient.Name = [];
        Assert.False(name.TryGet(patient, out _));
        patient.Name.Add(new HumanName { Family = "A" });
        Assert.True(name.TryGet(patient, out var names));
        Assert.Same(patient.Name, names);
    }

    /// <summary>Every object of a resource, itself first, through the elements TryGetValue gives.</summary>
    private static IEnumerable<Base> Walk(Base node)
    {
        yield return node;
        if (Inspector.FindOrImportClassMapping(node.GetType()) is not { } mapping) yield break;
        foreach (var property in mapping.PropertyMappings)
        {
            if (!node.TryGetValue(property.Name, out var value)) continue;
            IEnumerable children = value is IList list ? list : new[] { value };
            foreach (var child in children.OfType<Base>())
                foreach (var below in Walk(child))
                    yield return below;
        }
    }
}
