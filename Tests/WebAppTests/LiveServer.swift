import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import WebApp

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real server (`buildApplication`: sockets, the connection guard, timeouts) on 127.0.0.1
/// and a port the system chooses, for tests that need what router tests cannot show: what
/// happens on a connection while a request is only partly sent.
enum LiveServer {
    static func run(
        _ configuration: WebConfiguration, _ body: @Sendable (_ port: Int) async throws -> Void
    ) async throws {
        var configuration = configuration
        configuration.host = "127.0.0.1"
        configuration.port = 0
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(configuration: configuration) { port in continuation.yield(port) }
        var logger = Logger(label: "live-test")
        logger.logLevel = .warning
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw FixtureError("the server did not start") }
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// A TCP connection with nothing on top: sends exactly the bytes given (half a request, a body
/// drop by drop) and reads what comes back, with timeouts.
final class RawConnection: @unchecked Sendable {
    private(set) var fd: Int32

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address, e.g. 127.0.0.2:
    /// another client as the server counts them).
    init(port: Int, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_port = 0
            inet_pton(AF_INET, source, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw Failure(description: "bind \(source): \(errno)") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect: \(errno)")
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    func shutdown() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    /// Sends `text`. - Returns: false when the peer has closed (or reset) the connection.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Reads until the peer closes the connection, `until` is found in what was read, or
    /// `timeout` seconds pass. - Returns: the bytes read and whether the peer closed.
    func read(timeout: Double, until marker: String? = nil) -> (text: String, closed: Bool) {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (String(decoding: data, as: UTF8.self), false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(max(1, left * 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                return (String(decoding: data, as: UTF8.self), true)
            }
            if ready == 0 { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: data, as: UTF8.self), true) }
            data += buffer[0..<n]
            if let marker, String(decoding: data, as: UTF8.self).contains(marker) {
                return (String(decoding: data, as: UTF8.self), false)
            }
        }
    }
}

extension RawConnection {
    /// `read` on a thread of its own: a test that blocks in `poll` on the concurrency pool's few
    /// threads can starve the very server handlers it waits for (what happened in the full,
    /// parallel test run on two cores).
    func reading(timeout: Double, until marker: String? = nil) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.read(timeout: timeout, until: marker)) }
        }
    }
}

/// `GET path` on a fresh connection: the status line's code (0 when none came in `timeout`).
func rawStatus(port: Int, _ request: String, timeout: Double = 20) async throws -> (status: Int, text: String) {
    let connection = try RawConnection(port: port)
    defer { connection.shutdown() }
    connection.send(request)
    let (text, _) = await connection.reading(timeout: timeout, until: "\r\n\r\n")
    return (statusCode(text), text)
}

/// The status code of a response's first line, 0 when there is none.
func statusCode(_ text: String) -> Int {
    guard text.hasPrefix("HTTP/1.1 "), text.count >= 12 else { return 0 }
    return Int(text.dropFirst(9).prefix(3)) ?? 0
}

/// The value of the `ps_csrf` cookie an HTML response sets.
func visitorCookie(_ text: String) -> String? {
    guard let range = text.range(of: "ps_csrf=") else { return nil }
    let rest = text[range.upperBound...]
    return String(rest.prefix { $0 != ";" && $0 != "\r" })
}
