import Foundation

extension MustacheTemplate {
    /// Renders an HTML document template (`templates/*.html`) with image data:
    /// the data gains `K_data_uri` (a `data:` URI) for every image `images[K]`, and
    /// `verification_url_data_uri`, a PNG QR code (level M) of `verification_url` when the
    /// data has one. Values are HTML-escaped (`& < > " '`).
    public func renderHTMLDocument(
        _ data: TemplateValue, images: [String: [UInt8]] = [:], strict: Bool = true
    ) throws -> String {
        try render(try documentData(data, images: images), strict: strict)
    }

    /// The data of an HTML document: `data` with the `_data_uri`s of its images and QR code.
    func documentData(_ data: TemplateValue, images: [String: [UInt8]]) throws -> TemplateValue {
        guard case .object(var object) = data else { return data }
        for (key, bytes) in images {
            let type = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) ? "image/png" : "image/jpeg"
            object[key + "_data_uri"] = .string("data:\(type);base64," + Data(bytes).base64EncodedString())
        }
        if case .string(let url)? = object["verification_url"], object["verification_url_data_uri"] == nil {
            let png = try QRCode.png(url, scale: 4)
            object["verification_url_data_uri"] = .string("data:image/png;base64," + Data(png).base64EncodedString())
        }
        return .object(object)
    }
}
