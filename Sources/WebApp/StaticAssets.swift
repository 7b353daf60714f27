import Foundation
import Hummingbird

/// The files of `web/static/`, read once at start and served from memory.
///
/// Only plain file names of the folder itself with a known extension are served, so no
/// request path can reach anything else (`..`, encoded slashes and sub-folders all miss).
public struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
    }

    static let types: [String: String] = [
        "css": "text/css; charset=utf-8", "png": "image/png", "svg": "image/svg+xml", "ico": "image/x-icon",
        "txt": "text/plain; charset=utf-8", "woff2": "font/woff2",
    ]

    let assets: [String: Asset]

    public init(directory: String) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw WebSetupError("无法读取静态文件目录 \(directory)")
        }
        var assets: [String: Asset] = [:]
        for name in names where Self.isPlainName(name) {
            let ext = (name as NSString).pathExtension.lowercased()
            guard let type = Self.types[ext] else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        self.assets = assets
    }

    /// Letters, digits, `-`, `_` and one inner dot before the extension; no leading dot.
    static func isPlainName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 64, !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { s in
            (s.value < 128) && (CharacterSet.alphanumerics.contains(s) || s == "-" || s == "_" || s == ".")
        } && !name.contains("..")
    }

    /// The response for `name`, or nil when there is no such asset.
    func response(_ name: String) -> Response? {
        guard Self.isPlainName(name), let asset = assets[name] else { return nil }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: asset.bytes))
    }
}
