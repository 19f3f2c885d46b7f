namespace BitrixRetailCrm; internal static class Placeholder { }
