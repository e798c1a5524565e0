package dev.nebari.llm.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The API's largest request body is a mint or bulk-revoke request of well under a kilobyte, so anything over
 * {@link #MAX_BYTES} is refused with 413 before it is parsed: a declared length at once, a chunked body as soon as it
 * grows past the limit. The body is read here, at most {@code MAX_BYTES + 1} bytes, and handed on from memory, so
 * no JSON parser ever sees a large document (and no string in it can be longer than the body).
 */
final class RequestBodyLimit extends OncePerRequestFilter {

    static final int MAX_BYTES = 16 * 1024;

    private final ApiSecurityConfiguration.ProblemWriter problems;

    RequestBodyLimit(ApiSecurityConfiguration.ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var declared = request.getContentLengthLong();
        if (declared == 0 || declared < 0 && request.getHeader("Transfer-Encoding") == null) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = declared > MAX_BYTES ? null : request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (body == null || body.length > MAX_BYTES) {
            // Tomcat reads (swallows) a bounded rest of the body itself; this connection is closed after the answer.
            response.setHeader("Connection", "close");
            problems.write(response, ProblemDetails.of(ProblemType.REQUEST_TOO_LARGE,
                    "The request body may have at most " + MAX_BYTES + " bytes."));
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    /** The request with its (small) body already read. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            var in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body has been read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            var charset = getCharacterEncoding() == null ? StandardCharsets.UTF_8 : Charset.forName(getCharacterEncoding());
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
