using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Coverage.Server.Security;

/// <summary>
/// The Data Protection keys that encrypt the workbench's session and antiforgery cookies. They are kept in
/// DataProtection:KeysPath (default data/keys under the content root, beside the default database) in a
/// 0700 folder as 0600 files — never ASP.NET Core's default of a readable folder in the user's home — and,
/// when DataProtection:CertificatePath (a PKCS#12 file; DataProtection:CertificatePassword) is configured,
/// encrypted at rest with that certificate. Outside Development the server warns at start when they are not.
/// </summary>
public static partial class DataProtectionSetup
{
    public static void AddKeyProtection(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["DataProtection:KeysPath"];
        var folder = string.IsNullOrWhiteSpace(configured) ? Path.Combine(environment.ContentRootPath, "data", "keys") : Path.GetFullPath(configured);
        PrivateFiles.CreateFolder(Path.GetDirectoryName(folder)!);
        PrivateFiles.CreateFolder(folder);
        var builder = services.AddDataProtection().SetApplicationName("Coverage");
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new PrivateXmlRepository(folder));
        var certificatePath = configuration["DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificatePath))
            builder.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificatePath, configuration["DataProtection:CertificatePassword"]));
    }

    /// <summary>Logs a warning outside Development when the keys are stored unencrypted.</summary>
    public static void WarnIfKeysUnprotected(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(app.Configuration["DataProtection:CertificatePath"]))
            Unprotected(app.Logger);
    }

    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning,
        Message = "DataProtection:CertificatePath is not set: the keys that protect workbench sessions are stored unencrypted (only file permissions guard them). Configure a certificate in production.")]
    private static partial void Unprotected(ILogger logger);

    /// <summary>Keys as XML files readable by the server's user only (FileSystemXmlRepository leaves them to the umask).</summary>
    private sealed class PrivateXmlRepository(string folder) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            Directory.EnumerateFiles(folder, "*.xml").Select(path =>
            {
                PrivateFiles.Restrict(path);
                return XElement.Load(path);
            }).ToList();

        public void StoreElement(XElement element, string friendlyName)
        {
            var name = string.IsNullOrWhiteSpace(friendlyName) || friendlyName.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-') ? Guid.NewGuid().ToString() : friendlyName;
            using var content = new MemoryStream();
            element.Save(content);
            PrivateFiles.Write(Path.Combine(folder, name + ".xml"), content.ToArray());
        }
    }
}
