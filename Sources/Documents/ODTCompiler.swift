import Foundation

/// An image placeholder found in an ODT template: a `draw:frame` named `qr:NAME` (a QR code
/// of the text at NAME) or `image:KEY` (image bytes passed to `render` under KEY).
struct ImageSlot: Sendable {
    enum Kind: Sendable { case qr, image }
    let kind: Kind
    let key: String
    /// Package path for QR codes (always PNG); for images the name of the hole that receives the path.
    let number: Int
    let place: TemplatePlace

    var qrPath: String { "Pictures/qr-\(number).png" }
    var holeName: String { "%image-\(number)" }
}

/// One XML part of an ODT template compiled into a Mustache tree over XML bytes.
struct CompiledXMLPart: Sendable {
    let name: String
    let nodes: [MustacheNode]
    let sizeHint: Int
    let locate: PlaceResolver
}

/// Compiles `content.xml` / `styles.xml`: finds tags across spans, decides what each section
/// repeats, rewrites image frames, and parses the result with the shared Mustache parser.
struct ODTXMLCompiler {
    struct Tag {
        var raw: [UInt8]
        var kind: TagKind
        var name: String
        var paragraph: Int
        var place: TemplatePlace
        var run: XNode? = nil
        var moved = false
        /// Index of the tag in its paragraph's `items` (-1: comments, image holes).
        var item = -1
    }
    enum Item: Equatable {
        case content
        case tag(Int)
    }

    let template: String
    let part: String
    var tags: [Tag] = []
    var paragraphs: [XNode] = []
    var items: [[Item]] = []
    var paragraphIndex: [ObjectIdentifier: Int] = [:]
    /// Sections open at the current point of the scan (document order), for the depth limit.
    var openSections = 0
    /// Row numbers of each table met so far (table → row → 1-based number), for places.
    var tableRows: [ObjectIdentifier: [ObjectIdentifier: Int]] = [:]

    init(template: String, part: String) {
        self.template = template
        self.part = part
    }

    static let breakWhite: UInt8 = 0x01
    static let breakContent: UInt8 = 0x02
    /// Elements that stand for white space: a tag cannot run across them.
    static let whiteElements: Set<String> = ["text:s", "text:tab", "text:line-break"]
    /// Zero-width marks LibreOffice may drop anywhere, even inside a tag: ignored while
    /// matching (they stay where they are); comments (annotations) are skipped whole.
    static let ignoredElements: Set<String> = [
        "text:soft-page-break", "text:bookmark", "text:bookmark-start", "text:bookmark-end", "text:reference-mark",
        "text:reference-mark-start", "text:reference-mark-end", "office:annotation", "office:annotation-end",
    ]

    mutating func compile(_ bytes: [UInt8], imageSlots: inout [ImageSlot]) throws -> CompiledXMLPart? {
        let doc = try LibXMLDocument(bytes: bytes, part: part)
        let root = try doc.tree()
        root.preorder { n in
            if n.name == "text:p" || n.name == "text:h" { paragraphs.append(n) }
        }
        for (i, p) in paragraphs.enumerated() { paragraphIndex[ObjectIdentifier(p)] = i }
        for i in paragraphs.indices { try scanParagraph(i) }
        let pairs = try pairSections()
        for (open, close) in pairs { try layout(open: open, close: close) }
        let imagesBefore = imageSlots.count
        rewriteImages(root, &imageSlots)
        if tags.isEmpty && imageSlots.count == imagesBefore { return nil }

        var writer = XMLMustacheWriter(tagText: tags.map(\.raw), moved: tags.map(\.moved))
        writer.write(root)
        let offsets = writer.tagOffsets.map(\.offset)
        let places = writer.tagOffsets.map { tags[$0.tag].place }
        let fallback = TemplatePlace(template: template, english: part, chinese: part)
        let locate: PlaceResolver = { offset in
            var lo = 0
            var hi = offsets.count - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                if offsets[mid] == offset { return places[mid] }
                if offsets[mid] < offset { lo = mid + 1 } else { hi = mid - 1 }
            }
            return hi >= 0 ? places[hi] : fallback
        }
        var parser = MustacheParser(
            source: writer.out, standaloneLines: false, allowDelimiterChange: false, locate: locate)
        let nodes = try parser.parse()
        return CompiledXMLPart(name: part, nodes: nodes, sizeHint: writer.out.count + 4096, locate: locate)
    }

    // MARK: places

    /// Where paragraph `i` is, in English and Chinese (without the text).
    mutating func paragraphLabel(_ i: Int) -> (en: String, zh: String) {
        let p = paragraphs[i]
        var en = "\(part), paragraph \(i + 1)"
        var zh = "\(part) 第 \(i + 1) 段"
        if let cell = p.nearestAncestor(named: "table:table-cell"), let row = cell.parent,
            let table = row.nearestAncestor(named: "table:table")
        {
            let key = ObjectIdentifier(table)
            if tableRows[key] == nil {
                var rows: [ObjectIdentifier: Int] = [:]
                table.preorder { n in
                    if n.name == "table:table-row", n.nearestAncestor(named: "table:table") === table {
                        rows[ObjectIdentifier(n)] = rows.count + 1
                    }
                }
                tableRows[key] = rows
            }
            let r = tableRows[key]?[ObjectIdentifier(row)] ?? 1
            let cells = row.children.filter { $0.name == "table:table-cell" || $0.name == "table:covered-table-cell" }
            let c = (cells.firstIndex(where: { $0 === cell }) ?? 0) + 1
            let tname = table.attribute("table:name") ?? "?"
            en += " (table '\(tname)', row \(r), cell \(c))"
            zh += "（表格「\(tname)」第 \(r) 行第 \(c) 格）"
        } else if p.nearestAncestor(named: "style:header") != nil || p.nearestAncestor(named: "style:footer") != nil {
            en += " (header/footer)"
            zh += "（页眉/页脚）"
        }
        return (en, zh)
    }

    /// A place in paragraph `label` quoting the start of `snippet` (at most 30 characters are shown).
    func place(_ label: (en: String, zh: String), snippet: ArraySlice<UInt8>) -> TemplatePlace {
        // 30 characters are at most 120 bytes of UTF-8: never copy more of a long paragraph.
        let head = snippet.prefix(121)
        var text = String(decoding: head.map { $0 < 0x20 ? 0x20 : $0 }, as: UTF8.self)
            .trimmingCharacters(in: .whitespaces)
        if text.count > 30 { text = String(text.prefix(30)) + "…" }
        return TemplatePlace(
            template: template, english: "\(label.en) «\(text)»", chinese: "\(label.zh)「\(text)」")
    }

    // MARK: tags across runs

    mutating func scanParagraph(_ pi: Int) throws {
        let p = paragraphs[pi]
        var concat: [UInt8] = []
        var runs: [(node: XNode, start: Int, end: Int)] = []
        func walk(_ n: XNode) {
            for c in n.children {
                if c.kind == .text {
                    runs.append((c, concat.count, concat.count + c.text.count))
                    concat.append(contentsOf: c.text)
                } else if c.name == "text:p" || c.name == "text:h" || c.name.hasPrefix("draw:") {
                    concat.append(Self.breakContent)
                } else if Self.whiteElements.contains(c.name) {
                    concat.append(Self.breakWhite)
                } else if Self.ignoredElements.contains(c.name) {
                    continue
                } else {
                    walk(c)
                }
            }
        }
        walk(p)
        let label = paragraphLabel(pi)
        let paraPlace = place(label, snippet: concat[...])

        // Find the tags in the paragraph's text.
        var found: [(start: Int, end: Int, tag: Int)] = []
        var i = 0
        let open = Array("{{".utf8)
        while i + 1 < concat.count {
            guard concat[i] == open[0], concat[i + 1] == open[1] else {
                i += 1
                continue
            }
            let triple = i + 2 < concat.count && concat[i + 2] == UInt8(ascii: "{")
            let closer: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            var j = i + (triple ? 3 : 2)
            var end: Int? = nil
            while j + closer.count <= concat.count {
                if concat[j] < 0x03 { break }
                if Array(concat[j..<(j + closer.count)]) == closer {
                    end = j + closer.count
                    break
                }
                j += 1
            }
            guard let e = end else { throw TemplateError.unclosedTag(at: paraPlace) }
            let raw = Array(concat[i..<e])
            let innerStart = i + (triple ? 3 : 2)
            let inner = Substring(String(decoding: concat[innerStart..<(e - closer.count)], as: UTF8.self))
            let (kind, name) = classifyTag(inner, triple: triple)
            let tagPlace = place(label, snippet: concat[i...])
            switch kind {
            case .delimiters:
                throw TemplateError.invalidTag(tag: String(decoding: raw, as: UTF8.self), at: tagPlace)
            case .partial:
                throw TemplateError.sectionLayout(
                    name: name, at: tagPlace, reason: "partials are not supported in ODT templates",
                    chineseReason: "ODT 模板不支持子模板 {{>…}}")
            case .comment:
                break
            default:
                if name.isEmpty {
                    throw TemplateError.invalidTag(tag: String(decoding: raw, as: UTF8.self), at: tagPlace)
                }
            }
            // The depth limit is checked here, as tags are found, before any work that grows
            // with the number of sections (pairing, layout, the Mustache parse).
            if case .sectionOpen = kind {
                openSections += 1
                if openSections > TemplateLimits.maximumSectionDepth {
                    throw TemplateError.sectionsTooDeep(
                        tag: String(decoding: raw, as: UTF8.self), at: tagPlace,
                        limit: TemplateLimits.maximumSectionDepth)
                }
            } else if kind == .sectionClose, openSections > 0 {
                openSections -= 1
            }
            tags.append(Tag(raw: raw, kind: kind, name: name, paragraph: pi, place: tagPlace))
            found.append((i, e, tags.count - 1))
            i = e
        }

        // Move each tag's whole text into the run where it starts (keeping that run's style).
        var paraItems: [Item] = []
        var k = 0
        var pos = 0
        while pos < concat.count {
            if k < found.count, pos == found[k].start {
                if tags[found[k].tag].kind != .comment {
                    tags[found[k].tag].item = paraItems.count
                    paraItems.append(.tag(found[k].tag))
                }
                pos = found[k].end
                k += 1
                continue
            }
            let b = concat[pos]
            if b == Self.breakContent || !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == Self.breakWhite) {
                if paraItems.last != .content { paraItems.append(.content) }
            }
            pos += 1
        }
        items.append(paraItems)
        guard !found.isEmpty else { return }
        // `found` is sorted and its tags do not overlap: one cursor walks it with the runs.
        var cursor = 0
        for run in runs {
            var segs: [XNode.Segment] = []
            var literal: [UInt8] = []
            var q = run.start
            while q < run.end {
                while cursor < found.count && found[cursor].end <= q { cursor += 1 }
                if cursor < found.count, found[cursor].start <= q {
                    let f = found[cursor]
                    if f.start == q {
                        if !literal.isEmpty {
                            segs.append(.text(literal))
                            literal = []
                        }
                        segs.append(.tag(f.tag))
                        tags[f.tag].run = run.node
                    }
                    q = f.end  // the tag, or the rest of one that began in an earlier run
                    continue
                }
                let stop = cursor < found.count ? min(found[cursor].start, run.end) : run.end
                literal.append(contentsOf: concat[q..<stop])
                q = stop
            }
            if !literal.isEmpty { segs.append(.text(literal)) }
            run.node.segments = segs
        }
    }

    // MARK: sections

    func pairSections() throws -> [(Int, Int)] {
        var stack: [Int] = []
        var pairs: [(Int, Int)] = []
        for (i, t) in tags.enumerated() {
            switch t.kind {
            case .sectionOpen: stack.append(i)
            case .sectionClose:
                guard let o = stack.popLast() else { throw TemplateError.unexpectedClose(name: t.name, at: t.place) }
                guard tags[o].name == t.name else {
                    throw TemplateError.mismatchedSection(
                        open: tags[o].name, opened: tags[o].place, close: t.name, closed: t.place)
                }
                pairs.append((o, i))
            default: break
            }
        }
        if let o = stack.last { throw TemplateError.unclosedSection(name: tags[o].name, opened: tags[o].place) }
        return pairs.sorted { $0.0 < $1.0 }  // outer sections first
    }

    /// Items of every paragraph inside `e`, in document order.
    func itemsInside(_ e: XNode) -> [Item] {
        var all: [Item] = []
        e.preorder { n in
            if let i = paragraphIndex[ObjectIdentifier(n)] { all.append(contentsOf: items[i]) }
        }
        return all
    }

    /// The item next to tag `t` in its own paragraph (`offset` -1: before, +1: after) is
    /// content or a tag that stays. A paragraph's items lie together in `itemsInside` of any
    /// element holding it, so then nothing but moved tags cannot come before (after) `t` there:
    /// an O(1) answer that keeps many inline sections in one paragraph from costing n² time.
    func neighbourStays(_ t: Int, _ offset: Int) -> Bool {
        guard tags[t].paragraph >= 0, tags[t].item >= 0 else { return false }
        let list = items[tags[t].paragraph]
        let j = tags[t].item + offset
        guard j >= 0 && j < list.count else { return false }
        return !isMoved(list[j])
    }

    func fills(_ e: XNode, open: Int, close: Int) -> Bool {
        if neighbourStays(open, -1) || neighbourStays(close, +1) { return false }
        let all = itemsInside(e)
        guard let a = all.firstIndex(of: .tag(open)), let b = all.firstIndex(of: .tag(close)) else { return false }
        func isMoved(_ it: Item) -> Bool {
            if case .tag(let t) = it { return tags[t].moved }
            return false
        }
        return all[..<a].allSatisfy(isMoved) && all[(b + 1)...].allSatisfy(isMoved)
    }

    func isMoved(_ it: Item) -> Bool {
        if case .tag(let t) = it { return tags[t].moved }
        return false
    }

    /// Nothing but moved tags comes before tag `t` inside `e`.
    func startsWith(_ e: XNode, _ t: Int) -> Bool {
        if neighbourStays(t, -1) { return false }
        let all = itemsInside(e)
        guard let a = all.firstIndex(of: .tag(t)) else { return false }
        return all[..<a].allSatisfy(isMoved)
    }

    /// Nothing but moved tags comes after tag `t` inside `e`.
    func endsWith(_ e: XNode, _ t: Int) -> Bool {
        if neighbourStays(t, +1) { return false }
        let all = itemsInside(e)
        guard let b = all.firstIndex(of: .tag(t)) else { return false }
        return all[(b + 1)...].allSatisfy(isMoved)
    }

    /// Elements a section can repeat around paragraph `p`, outermost first.
    func containers(_ p: XNode) -> [XNode] {
        let ups = [p.nearestAncestor(named: "table:table-row"), p.nearestAncestor(named: "text:list-item")]
            .compactMap { $0 }.sorted { $0.depth < $1.depth }
        return ups + [p]
    }

    /// The largest element around a tag that holds nothing but that tag.
    func standaloneElement(_ t: Int) -> XNode? {
        let p = paragraphs[tags[t].paragraph]
        guard items[tags[t].paragraph] == [.tag(t)] else { return nil }
        var best = p
        for e in containers(p).reversed().dropFirst() {
            if itemsInside(e) == [.tag(t)] { best = e } else { break }
        }
        return best
    }

    mutating func layout(open: Int, close: Int) throws {
        let po = paragraphs[tags[open].paragraph]
        let pc = paragraphs[tags[close].paragraph]
        // 1. The tags fill a table row, a list item or a paragraph: repeat that element.
        for e in containers(po) where e.isAncestorOrSelf(of: pc) {
            if fills(e, open: open, close: close) {
                e.before.append(open)
                e.after.insert(close, at: 0)
                tags[open].moved = true
                tags[close].moved = true
                return
            }
        }
        // 2. Each tag stands alone in its own paragraph / row / list item: drop those elements
        //    and repeat what lies between them.
        if po !== pc, let eo = standaloneElement(open), let ec = standaloneElement(close) {
            guard eo.parent === ec.parent else {
                throw TemplateError.sectionLayout(
                    name: tags[open].name, at: tags[open].place,
                    reason: "its closing tag (\(tags[close].place.english)) is at a different level of the document; "
                        + "put both tags in paragraphs (or rows) side by side",
                    chineseReason: "结束标记（\(tags[close].place.chinese)）与开始标记不在同一层级，请将两者放在同一层级的段落或表格行中")
            }
            eo.replacedBy = open
            ec.replacedBy = close
            tags[open].moved = true
            tags[close].moved = true
            return
        }
        // 3. The open tag starts an element and the close tag ends a later sibling of the same
        //     kind (two table rows, two paragraphs): repeat the run of siblings.
        for eo in containers(po) {
            for ec in containers(pc) where eo !== ec && eo.name == ec.name && eo.parent === ec.parent {
                if startsWith(eo, open), endsWith(ec, close) {
                    eo.before.append(open)
                    ec.after.insert(close, at: 0)
                    tags[open].moved = true
                    tags[close].moved = true
                    return
                }
            }
        }
        // 4. Inline inside one paragraph, both tags under the same element.
        if po === pc, let ro = tags[open].run, let rc = tags[close].run, ro.parent === rc.parent {
            return
        }
        throw TemplateError.sectionLayout(
            name: tags[open].name, at: tags[open].place,
            reason: "the section's tags must fill a paragraph, table row or list item, stand alone in paragraphs "
                + "of their own, or lie inside one paragraph with the same formatting (closing tag: "
                + "\(tags[close].place.english))",
            chineseReason: "区块标记须占满一个段落、表格行或列表项，或各自单独成段，或位于同一段落且格式相同（结束标记：\(tags[close].place.chinese)）")
    }

    // MARK: images

    mutating func rewriteImages(_ root: XNode, _ slots: inout [ImageSlot]) {
        var frames: [XNode] = []
        root.preorder { n in
            if n.name == "draw:frame", let dn = n.attribute("draw:name"), dn.hasPrefix("qr:") || dn.hasPrefix("image:")
            {
                frames.append(n)
            }
        }
        for frame in frames {
            let dn = frame.attribute("draw:name")!
            let isQR = dn.hasPrefix("qr:")
            let key = String(dn.dropFirst(isQR ? 3 : 6))
            let place = TemplatePlace(
                template: template, english: "\(part), image frame '\(dn)'", chinese: "\(part) 图片框「\(dn)」")
            let slot = ImageSlot(kind: isQR ? .qr : .image, key: key, number: slots.count + 1, place: place)
            slots.append(slot)
            var image = frame.children.first(where: { $0.name == "draw:image" })
            if image == nil {
                let img = XNode(element: "draw:image")
                img.parent = frame
                frame.children.append(img)
                image = img
            }
            let img = image!
            img.children.removeAll { $0.name == "office:binary-data" }
            img.attributes.removeAll {
                $0.name.hasSuffix(":mime-type") || $0.name.hasPrefix("xlink:")
            }
            img.attributes.insert(
                contentsOf: [
                    ("xlink:href", isQR ? slot.qrPath : ""), ("xlink:type", "simple"), ("xlink:show", "embed"),
                    ("xlink:actuate", "onLoad"),
                ], at: 0)
            if !isQR {
                tags.append(
                    Tag(
                        raw: Array("{{\(slot.holeName)}}".utf8), kind: .variable(escaped: true), name: slot.holeName,
                        paragraph: -1, place: place))
                img.attributeHoles["xlink:href"] = tags.count - 1
            }
        }
    }
}
