package com.example;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Uploads a report to an FTP server in passive binary mode, into a folder it makes if needed. */
public class ReportUploader {

    private final String host;
    private final int port;
    private final String user;
    private final String password;

    public ReportUploader(String host, int port, String user, String password) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** Stores {@code content} as {@code folder/name}; throws when the server says no. */
    public void upload(String folder, String name, String content) throws IOException {
        FTPClient ftp = new FTPClient();
        ftp.setDefaultTimeout(10_000);
        ftp.connect(host, port);
        try {
            ftp.setSoTimeout(10_000);
            if (!FTPReply.isPositiveCompletion(ftp.getReplyCode()) || !ftp.login(user, password)) {
                throw new IOException("FTP login refused: " + ftp.getReplyString().strip());
            }
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            if (!ftp.changeWorkingDirectory(folder) && !(ftp.makeDirectory(folder) && ftp.changeWorkingDirectory(folder))) {
                throw new IOException("cannot use folder " + folder + ": " + ftp.getReplyString().strip());
            }
            if (!ftp.storeFile(name, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)))) {
                throw new IOException("upload refused: " + ftp.getReplyString().strip());
            }
            ftp.logout();
        } finally {
            ftp.disconnect();
        }
    }
}
