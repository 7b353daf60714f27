import CLibZip

extension ZipReader {
    /// Whether entry `i` is encrypted (traditional PKWARE or AES), from its central directory
    /// record; an entry that cannot be read counts as encrypted (nothing vouches for it).
    public func isEncrypted(_ i: Int) -> Bool {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 else { return true }
        guard st.valid & zip_uint64_t(ZIP_STAT_ENCRYPTION_METHOD) != 0 else { return false }
        return st.encryption_method != zip_uint16_t(ZIP_EM_NONE)
    }
}

extension ZipFileReader {
    /// Whether entry `i` is encrypted (see `ZipReader.isEncrypted`).
    public func isEncrypted(_ i: Int) -> Bool {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(archive, zip_uint64_t(i), 0, &st) == 0 else { return true }
        guard st.valid & zip_uint64_t(ZIP_STAT_ENCRYPTION_METHOD) != 0 else { return false }
        return st.encryption_method != zip_uint16_t(ZIP_EM_NONE)
    }
}
