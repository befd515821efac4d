use super::*;

#[test]
fn without_token_auth_no_token_is_needed() {
    for auth in [None, Some(Auth::None)] {
        let a = Access {
            hosts: &[],
            origins: &[],
            auth,
            tokens: &[],
        };
        assert!(check_token(&a, None, None).is_ok());
        assert!(check_token(&a, Some("Bearer nonsense"), Some("x")).is_ok());
    }
}

#[test]
fn a_token_passes_as_bearer_header_or_query() {
    let tokens = listed(&[TOKEN]);
    let a = token_access(&tokens);
    let bearer = format!("Bearer {TOKEN}");
    assert!(check_token(&a, Some(&bearer), None).is_ok());
    assert!(check_token(&a, None, Some(TOKEN)).is_ok());
    assert!(check_token(&a, None, Some(&format!(" {TOKEN}\n"))).is_ok());
    // A header that is not a bearer token leaves the query to decide.
    assert!(check_token(&a, Some("Basic dXNlcjpwdw=="), Some(TOKEN)).is_ok());
    // The header wins over the query.
    let r = check_token(&a, Some("Bearer wrong-token-0123456789"), Some(TOKEN));
    assert_eq!(code(r), "auth.required");
}

#[test]
fn missing_and_wrong_tokens_are_told_apart() {
    let tokens = listed(&[TOKEN]);
    let a = token_access(&tokens);
    let missing = check_token(&a, None, None).expect_err("missing");
    assert_eq!(missing.code, "auth.required");
    assert!(
        missing.message.contains("needs an access token"),
        "{missing}"
    );
    assert!(!is_wrong_token(&missing));
    let not_bearer = check_token(&a, Some(TOKEN), None).expect_err("no Bearer prefix");
    assert!(not_bearer.message.contains("needs an access token"));
    for wrong in ["wrong-token-0123456789", "", &TOKEN[..TOKEN.len() - 1]] {
        let r = check_token(&a, None, Some(wrong)).expect_err("wrong");
        assert_eq!(r.code, "auth.required");
        assert_eq!(r.message, "the access token is not valid for this relay");
        assert!(is_wrong_token(&r));
    }
    let r = check_token(&a, Some("bearer access-test-token-0123456789"), None);
    assert!(r.is_err(), "the scheme is matched as sent");
}

#[test]
fn any_listed_token_passes() {
    let tokens = listed(&["first-token-0123456789", TOKEN]);
    let a = token_access(&tokens);
    assert!(check_token(&a, None, Some("first-token-0123456789")).is_ok());
    assert!(check_token(&a, None, Some(TOKEN)).is_ok());
}

#[test]
fn constant_time_compare() {
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
    assert!(!constant_time_eq(b"\x00", b"\x80"));
}
