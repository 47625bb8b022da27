using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Coverage.Server.Workbench.Notices;

/// <summary>Renders an <see cref="AdverseNotice"/> as a US Letter PDF with PDFsharp: flowing, wrapped text over as many pages as it needs.</summary>
public static class NoticePdf
{
    /// <param name="cancellationToken">The request's: a reviewer who leaves stops the rendering (checked per line).</param>
    public static byte[] Render(AdverseNotice notice, CancellationToken cancellationToken = default)
    {
        DebianFontResolver.Install();
        using var document = new PdfDocument();
        document.Info.Title = notice.Title;
        // No member data in the metadata: file indexes and previews show it without opening the document.
        document.Info.Creator = "Coverage";

        var flow = new Flow(document, cancellationToken);
        flow.Text(notice.PlanName, flow.Small, XColors.DimGray);
        flow.Text(notice.Title, flow.Title);
        flow.Space(6);
        foreach (var fact in notice.Summary) flow.Definition(fact.Label, fact.Value);
        foreach (var section in notice.Sections)
        {
            flow.Space(10);
            flow.KeepTogether(60);
            flow.Text(section.Heading, flow.Heading);
            flow.Space(2);
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case NoticeParagraph p: flow.Text(p.Text, flow.Body); break;
                    case NoticeBullets b: foreach (var item in b.Items) flow.Text(item, flow.Body, indent: 14, bullet: "•"); break;
                    case NoticeQuote q:
                        flow.Quote(q.Text, q.Source);
                        break;
                    case NoticeDefinitions d: foreach (var item in d.Items) flow.Definition(item.Label, item.Value); break;
                }
                flow.Space(4);
            }
        }
        flow.Finish();

        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return stream.ToArray();
    }

    /// <summary>A cursor down the page that wraps words and starts a new page when the text reaches the bottom margin.</summary>
    private sealed class Flow
    {
        private const double Margin = 54; // three quarters of an inch
        private const double PageWidth = 612, PageHeight = 792; // US Letter, in points
        private readonly PdfDocument _document;
        private readonly CancellationToken _cancellationToken;
        private XGraphics _graphics = null!;
        private double _y;

        // Unicode encoding: names and rationales may hold any character, not only Windows-1252's.
        private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

        public readonly XFont Title = new(DebianFontResolver.Family, 16, XFontStyleEx.Bold, Unicode);
        public readonly XFont Heading = new(DebianFontResolver.Family, 12, XFontStyleEx.Bold, Unicode);
        public readonly XFont Body = new(DebianFontResolver.Family, 10, XFontStyleEx.Regular, Unicode);
        public readonly XFont Strong = new(DebianFontResolver.Family, 10, XFontStyleEx.Bold, Unicode);
        public readonly XFont Small = new(DebianFontResolver.Family, 8.5, XFontStyleEx.Regular, Unicode);

        public Flow(PdfDocument document, CancellationToken cancellationToken)
        {
            _document = document;
            _cancellationToken = cancellationToken;
            NewPage();
        }

        private static double Width => PageWidth - 2 * Margin;
        private static double Bottom => PageHeight - Margin - 18; // room for the page number

        private void NewPage()
        {
            _graphics?.Dispose();
            var page = _document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            _graphics = XGraphics.FromPdfPage(page);
            _y = Margin;
        }

        public void Space(double points)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            _y += points;
        }

        /// <summary>Starts a new page unless this much room is left, so a heading never ends a page.</summary>
        public void KeepTogether(double points)
        {
            if (_y + points > Bottom) NewPage();
        }

        public void Text(string text, XFont font, XColor? color = null, double indent = 0, string? bullet = null)
        {
            var brush = new XSolidBrush(color ?? XColors.Black);
            var lineHeight = font.Size * 1.35;
            var first = true;
            foreach (var line in Wrap(text, font, Width - indent))
            {
                if (_y + lineHeight > Bottom) NewPage();
                if (first && bullet is not null) _graphics.DrawString(bullet, font, brush, Margin + indent - 10, _y, XStringFormats.TopLeft);
                _graphics.DrawString(line, font, brush, Margin + indent, _y, XStringFormats.TopLeft);
                _y += lineHeight;
                first = false;
            }
        }

        public void Definition(string label, string value)
        {
            const double labelWidth = 130;
            var lines = Wrap(value, Body, Width - labelWidth).ToList();
            var lineHeight = Body.Size * 1.35;
            for (var i = 0; i < lines.Count; i++)
            {
                if (_y + lineHeight > Bottom) NewPage();
                if (i == 0) _graphics.DrawString(label, Strong, XBrushes.Black, Margin, _y, XStringFormats.TopLeft);
                _graphics.DrawString(lines[i], Body, XBrushes.Black, Margin + labelWidth, _y, XStringFormats.TopLeft);
                _y += lineHeight;
            }
        }

        /// <summary>Quoted words: indented behind a grey rule, with their source under them.</summary>
        public void Quote(string text, string source)
        {
            const double indent = 16;
            var top = _y;
            var page = _document.PageCount;
            Text("“" + text + "”", Body, indent: indent);
            Text("— " + source, Small, XColors.DimGray, indent: indent);
            if (page == _document.PageCount)
                _graphics.DrawLine(new XPen(XColors.LightGray, 2), Margin + 5, top, Margin + 5, _y - 2);
        }

        /// <summary>Numbers the pages ("Page 1 of 3") once the text is laid out.</summary>
        public void Finish()
        {
            _graphics.Dispose();
            for (var i = 0; i < _document.PageCount; i++)
            {
                using var graphics = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
                graphics.DrawString($"Page {i + 1} of {_document.PageCount}", Small, XBrushes.DimGray,
                    new XRect(Margin, PageHeight - Margin, Width, 12), XStringFormats.TopRight);
            }
        }

        private IEnumerable<string> Wrap(string text, XFont font, double width) =>
            TextWrap.Wrap(text, piece => _graphics.MeasureString(piece, font).Width, width, _cancellationToken);
    }
}
