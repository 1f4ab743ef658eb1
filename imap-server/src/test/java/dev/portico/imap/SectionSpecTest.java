package dev.portico.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SectionSpecTest {

    @Test
    void readsEveryFormOfTheGrammar() {
        assertThat(SectionSpec.parse("")).isEqualTo(SectionSpec.WHOLE);
        assertThat(SectionSpec.parse("header")).isEqualTo(new SectionSpec(List.of(), SectionSpec.Text.HEADER, List.of()));
        assertThat(SectionSpec.parse("TEXT")).isEqualTo(new SectionSpec(List.of(), SectionSpec.Text.TEXT, List.of()));
        assertThat(SectionSpec.parse("1.2.3")).isEqualTo(new SectionSpec(List.of(1, 2, 3), SectionSpec.Text.NONE, List.of()));
        assertThat(SectionSpec.parse("3.MIME")).isEqualTo(new SectionSpec(List.of(3), SectionSpec.Text.MIME, List.of()));
        assertThat(SectionSpec.parse("1.2.HEADER.FIELDS (From \"X-My Field\")"))
                .isEqualTo(new SectionSpec(List.of(1, 2), SectionSpec.Text.HEADER_FIELDS, List.of("From", "X-My Field")));
        assertThat(SectionSpec.parse("HEADER.FIELDS.NOT (Received)"))
                .isEqualTo(new SectionSpec(List.of(), SectionSpec.Text.HEADER_FIELDS_NOT, List.of("Received")));
    }

    @Test
    void namesTheSectionInTheReplyAsDovecotDoes() {
        assertThat(SectionSpec.parse("1.2.header.fields (From to)")).hasToString("1.2.HEADER.FIELDS (FROM TO)");
        assertThat(SectionSpec.parse("HEADER.FIELDS (\"X-My Field\")")).hasToString("HEADER.FIELDS (\"X-MY FIELD\")");
        assertThat(SectionSpec.parse("4.text")).hasToString("4.TEXT");
        assertThat(SectionSpec.parse("1.2")).hasToString("1.2");
        assertThat(SectionSpec.WHOLE).hasToString("");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1..2", "1.", ".1", "MIME", "1.FOO", "HEADER.FIELDS ()", "HEADER.FIELDS From",
            "HEADER.FIELDS (From", "HEADER.FIELDS (\"From)", "TEXT.1", "1.0.2", "9999999999", "HEADER.FIELDS (a  b)"})
    void refusesWhatIsNotASection(String bad) {
        assertThatThrownBy(() -> SectionSpec.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
