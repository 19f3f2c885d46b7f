using NUnit.Framework;
namespace BitrixRetailCrm.Tests;
public class SmokeTests { [Test] public void Builds() => Assert.That(1, Is.EqualTo(1)); }
