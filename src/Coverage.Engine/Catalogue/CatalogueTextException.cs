namespace Coverage.Engine.Catalogue;

/// <summary>A catalogue file whose bytes are not UTF-8 text (<see cref="CatalogueDisk.ReadText"/>); the message says why, for the file's problem.</summary>
internal sealed class CatalogueTextException(string message) : Exception(message);
