package dev.portico.http;

/**
 * The {@code filename} parameters of a {@code Content-Disposition} header (RFC 6266): a plain
 * ASCII fallback and the exact name as UTF-8 (RFC 8187). A name from a message may hold quotes,
 * line breaks or anything else; none of it reaches the header as written.
 */
final class ContentDisposition {

    private ContentDisposition() {}

    static String fileName(String name) {
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < name.length() && ascii.length() < 200; i++) {
            char c = name.charAt(i);
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/' ? c : '_');
        }
        return "filename=\"" + ascii + "\"; filename*=UTF-8''" + PathEncoding.headerValue(name);
    }
}
