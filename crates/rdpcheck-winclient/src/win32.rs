//! Safe wrappers over the few Win32 calls the reader makes. Every call only reads; every buffer
//! is sized by the API or bounded here. Errors keep the Win32 code so the reader can tell "not
//! there" from "not allowed".
//!
//! Longer than our ~400-line rule on purpose: the invariant is that all `unsafe` code lives in
//! this one file, so it can be reviewed in one place.
#![allow(unsafe_code)]

use std::ffi::OsStr;
use std::net::IpAddr;
use std::os::windows::ffi::OsStrExt;

use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INSUFFICIENT_BUFFER, ERROR_MORE_DATA,
    ERROR_NO_MORE_ITEMS, ERROR_PATH_NOT_FOUND, ERROR_SUCCESS,
};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    GetBestInterfaceEx, GetIfEntry2, MIB_IF_ROW2,
};
use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, SOCKADDR, SOCKADDR_IN, SOCKADDR_IN6,
};
use windows_sys::Win32::Storage::FileSystem::{
    GetFileVersionInfoSizeW, GetFileVersionInfoW, VerQueryValueW, VS_FIXEDFILEINFO,
};
use windows_sys::Win32::System::EventLog::{
    EvtClose, EvtNext, EvtQuery, EvtQueryChannelPath, EvtQueryReverseDirection, EvtRender,
    EvtRenderEventXml,
};
use windows_sys::Win32::System::Registry::{
    RegCloseKey, RegEnumKeyExW, RegEnumValueW, RegOpenKeyExW, RegQueryValueExW, HKEY,
    HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_64KEY, REG_BINARY, REG_DWORD,
    REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ,
};

/// Why a read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The key, value, file or channel does not exist.
    NotFound,
    /// It exists and this user may not read it.
    Denied,
    /// Another Win32 error.
    Other(u32),
}

impl ReadError {
    fn from_code(code: u32) -> ReadError {
        match code {
            ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND => ReadError::NotFound,
            ERROR_ACCESS_DENIED => ReadError::Denied,
            // ERROR_EVT_CHANNEL_NOT_FOUND
            15007 => ReadError::NotFound,
            other => ReadError::Other(other),
        }
    }

    fn last() -> ReadError {
        let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        ReadError::from_code(u32::try_from(code).unwrap_or(0))
    }
}

fn wide(s: &str) -> Vec<u16> {
    OsStr::new(s).encode_wide().chain(Some(0)).collect()
}

fn from_wide(units: &[u16]) -> String {
    let end = units.iter().position(|u| *u == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

#[derive(Debug, Clone, Copy)]
pub enum Hive {
    LocalMachine,
    CurrentUser,
}

/// A registry value, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Dword(u32),
    Str(String),
    Multi(Vec<String>),
    Binary(Vec<u8>),
    Other(u32),
}

/// An open registry key (read access only), closed on drop.
pub struct Key(HKEY);

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: self.0 is a key handle RegOpenKeyExW returned and nothing else closes it.
        unsafe {
            RegCloseKey(self.0);
        }
    }
}

/// The most values or subkeys read from one key, and the largest value (1 MiB).
const MAX_ENTRIES: u32 = 4096;
const MAX_DATA: usize = 1 << 20;

pub fn open(hive: Hive, path: &str) -> Result<Key, ReadError> {
    let root = match hive {
        Hive::LocalMachine => HKEY_LOCAL_MACHINE,
        Hive::CurrentUser => HKEY_CURRENT_USER,
    };
    let path = wide(path);
    let mut key: HKEY = std::ptr::null_mut();
    // SAFETY: `path` is NUL-terminated UTF-16 that outlives the call; `key` is a valid out
    // pointer. KEY_READ asks for read access only.
    let rc = unsafe { RegOpenKeyExW(root, path.as_ptr(), 0, KEY_READ | KEY_WOW64_64KEY, &mut key) };
    if rc == ERROR_SUCCESS {
        Ok(Key(key))
    } else {
        Err(ReadError::from_code(rc))
    }
}

fn decode(kind: u32, data: &[u8]) -> Value {
    let units = || -> Vec<u16> {
        data.chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect()
    };
    match kind {
        REG_DWORD if data.len() >= 4 => {
            Value::Dword(u32::from_le_bytes([data[0], data[1], data[2], data[3]]))
        }
        REG_SZ | REG_EXPAND_SZ => Value::Str(from_wide(&units())),
        REG_MULTI_SZ => Value::Multi(
            units()
                .split(|u| *u == 0)
                .filter(|s| !s.is_empty())
                .map(String::from_utf16_lossy)
                .collect(),
        ),
        REG_BINARY => Value::Binary(data.to_vec()),
        other => Value::Other(other),
    }
}

impl Key {
    pub fn value(&self, name: &str) -> Result<Value, ReadError> {
        let name = wide(name);
        let mut size: u32 = 0;
        let mut kind: u32 = 0;
        // SAFETY: a size query: null data pointer, valid out pointers, NUL-terminated name.
        let rc = unsafe {
            RegQueryValueExW(
                self.0,
                name.as_ptr(),
                std::ptr::null(),
                &mut kind,
                std::ptr::null_mut(),
                &mut size,
            )
        };
        if rc != ERROR_SUCCESS && rc != ERROR_MORE_DATA {
            return Err(ReadError::from_code(rc));
        }
        loop {
            let len = usize::try_from(size).unwrap_or(MAX_DATA).min(MAX_DATA);
            let mut data = vec![0u8; len];
            let mut got = u32::try_from(len).unwrap_or(0);
            // SAFETY: `data` has `got` writable bytes; the API writes at most that many.
            let rc = unsafe {
                RegQueryValueExW(
                    self.0,
                    name.as_ptr(),
                    std::ptr::null(),
                    &mut kind,
                    data.as_mut_ptr(),
                    &mut got,
                )
            };
            match rc {
                ERROR_SUCCESS => {
                    data.truncate(usize::try_from(got).unwrap_or(0).min(len));
                    return Ok(decode(kind, &data));
                }
                ERROR_MORE_DATA if len < MAX_DATA => size = got.max(size.saturating_mul(2)),
                other => return Err(ReadError::from_code(other)),
            }
        }
    }

    /// Every value (name, value), at most [`MAX_ENTRIES`].
    pub fn values(&self) -> Result<Vec<(String, Value)>, ReadError> {
        let mut out = Vec::new();
        let mut data_len = 64 * 1024;
        let mut index = 0;
        while index < MAX_ENTRIES {
            let mut name = vec![0u16; 16384];
            let mut name_len = 16384u32;
            let mut data = vec![0u8; data_len];
            let mut got = u32::try_from(data_len).unwrap_or(0);
            let mut kind = 0u32;
            // SAFETY: `name` holds `name_len` UTF-16 units and `data` `got` bytes; both lengths
            // are passed in and the API writes within them.
            let rc = unsafe {
                RegEnumValueW(
                    self.0,
                    index,
                    name.as_mut_ptr(),
                    &mut name_len,
                    std::ptr::null(),
                    &mut kind,
                    data.as_mut_ptr(),
                    &mut got,
                )
            };
            match rc {
                ERROR_SUCCESS => {
                    name.truncate(usize::try_from(name_len).unwrap_or(0).min(name.len()));
                    data.truncate(usize::try_from(got).unwrap_or(0).min(data.len()));
                    out.push((String::from_utf16_lossy(&name), decode(kind, &data)));
                    index += 1;
                }
                ERROR_MORE_DATA if data_len < MAX_DATA => data_len *= 4,
                ERROR_MORE_DATA => index += 1,
                ERROR_NO_MORE_ITEMS => return Ok(out),
                other => return Err(ReadError::from_code(other)),
            }
        }
        Ok(out)
    }

    /// The names of the subkeys, at most [`MAX_ENTRIES`].
    pub fn subkeys(&self) -> Result<Vec<String>, ReadError> {
        let mut out = Vec::new();
        for index in 0..MAX_ENTRIES {
            let mut name = vec![0u16; 256];
            let mut len = 256u32;
            // SAFETY: `name` holds `len` units; class and time are not asked for (null).
            let rc = unsafe {
                RegEnumKeyExW(
                    self.0,
                    index,
                    name.as_mut_ptr(),
                    &mut len,
                    std::ptr::null(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                )
            };
            match rc {
                ERROR_SUCCESS => {
                    name.truncate(usize::try_from(len).unwrap_or(0).min(name.len()));
                    out.push(String::from_utf16_lossy(&name));
                }
                ERROR_NO_MORE_ITEMS => break,
                ERROR_MORE_DATA => {}
                other => return Err(ReadError::from_code(other)),
            }
        }
        Ok(out)
    }
}

/// `a.b.c.d` from a file's VS_FIXEDFILEINFO.
pub fn file_version(path: &str) -> Result<String, ReadError> {
    if !std::path::Path::new(path).exists() {
        return Err(ReadError::NotFound);
    }
    let wpath = wide(path);
    let mut handle = 0u32;
    // SAFETY: NUL-terminated path, valid out pointer.
    let size = unsafe { GetFileVersionInfoSizeW(wpath.as_ptr(), &mut handle) };
    if size == 0 {
        return Err(ReadError::last());
    }
    let mut block = vec![0u8; usize::try_from(size).unwrap_or(0)];
    // SAFETY: `block` has `size` writable bytes.
    let ok = unsafe { GetFileVersionInfoW(wpath.as_ptr(), 0, size, block.as_mut_ptr().cast()) };
    if ok == 0 {
        return Err(ReadError::last());
    }
    let root = wide("\\");
    let mut info: *mut core::ffi::c_void = std::ptr::null_mut();
    let mut len = 0u32;
    // SAFETY: `block` is the version resource GetFileVersionInfoW filled; the API returns a
    // pointer into it, which is read below while `block` is alive.
    let ok = unsafe { VerQueryValueW(block.as_ptr().cast(), root.as_ptr(), &mut info, &mut len) };
    if ok == 0 || info.is_null() || (len as usize) < std::mem::size_of::<VS_FIXEDFILEINFO>() {
        return Err(ReadError::Other(1813));
    }
    // SAFETY: `info` points at a VS_FIXEDFILEINFO of `len` bytes inside `block` (checked above);
    // read_unaligned makes no alignment assumption.
    let fixed: VS_FIXEDFILEINFO = unsafe { std::ptr::read_unaligned(info.cast()) };
    Ok(format!(
        "{}.{}.{}.{}",
        fixed.dwFileVersionMS >> 16,
        fixed.dwFileVersionMS & 0xFFFF,
        fixed.dwFileVersionLS >> 16,
        fixed.dwFileVersionLS & 0xFFFF
    ))
}

/// The interface on the best route to `addr`: its alias and MTU (`MIB_IF_ROW2.Mtu`, the
/// interface's MTU). The IP-layer NlMtu (GetIpInterfaceEntry) would be finer, but Wine 8 lacks
/// that call, and the Wine tests run this code.
pub fn route_mtu(addr: IpAddr) -> Result<(String, u32), ReadError> {
    let mut index = 0u32;
    let rc = match addr {
        IpAddr::V4(v4) => {
            let mut sa = SOCKADDR_IN {
                sin_family: AF_INET,
                ..SOCKADDR_IN::default()
            };
            sa.sin_addr.S_un.S_addr = u32::from_ne_bytes(v4.octets());
            // SAFETY: a SOCKADDR_IN passed as the SOCKADDR it begins with; valid out pointer.
            unsafe { GetBestInterfaceEx((&raw const sa).cast::<SOCKADDR>(), &mut index) }
        }
        IpAddr::V6(v6) => {
            let mut sa = SOCKADDR_IN6 {
                sin6_family: AF_INET6,
                ..SOCKADDR_IN6::default()
            };
            sa.sin6_addr.u.Byte = v6.octets();
            // SAFETY: as above, for SOCKADDR_IN6.
            unsafe { GetBestInterfaceEx((&raw const sa).cast::<SOCKADDR>(), &mut index) }
        }
    };
    if rc != 0 {
        return Err(ReadError::from_code(rc));
    }
    let mut ifrow = MIB_IF_ROW2 {
        InterfaceIndex: index,
        ..MIB_IF_ROW2::default()
    };
    // SAFETY: `ifrow` is a valid MIB_IF_ROW2 with the index set (its LUID zero).
    let rc = unsafe { GetIfEntry2(&mut ifrow) };
    if rc != 0 {
        return Err(ReadError::from_code(rc));
    }
    let alias = from_wide(&ifrow.Alias);
    let alias = if alias.is_empty() {
        from_wide(&ifrow.Description)
    } else {
        alias
    };
    Ok((alias, ifrow.Mtu))
}

/// Up to `max` events of `channel` matching the XPath `query`, newest first, as XML.
pub fn events(channel: &str, query: &str, max: usize) -> Result<Vec<String>, ReadError> {
    let wchannel = wide(channel);
    let wquery = wide(query);
    // SAFETY: NUL-terminated strings; session 0 = this computer.
    let results = unsafe {
        EvtQuery(
            0,
            wchannel.as_ptr(),
            wquery.as_ptr(),
            EvtQueryChannelPath | EvtQueryReverseDirection,
        )
    };
    if results == 0 {
        return Err(ReadError::last());
    }
    let mut out = Vec::new();
    let mut failure = None;
    'batches: while out.len() < max {
        let mut handles = [0isize; 16];
        let mut returned = 0u32;
        // SAFETY: `handles` has room for 16 handles, the count passed.
        let ok = unsafe { EvtNext(results, 16, handles.as_mut_ptr(), 2000, 0, &mut returned) };
        if ok == 0 {
            let e = ReadError::last();
            if e != ReadError::Other(ERROR_NO_MORE_ITEMS) {
                failure = Some(e);
            }
            break;
        }
        let returned = usize::try_from(returned).unwrap_or(0).min(handles.len());
        for (i, event) in handles[..returned].iter().copied().enumerate() {
            if out.len() < max && failure.is_none() {
                match render(event) {
                    Ok(xml) => out.push(xml),
                    Err(e) => failure = Some(e),
                }
            }
            // SAFETY: each handle EvtNext returned is closed exactly once.
            unsafe { EvtClose(event) };
            if i + 1 == returned && (out.len() >= max || failure.is_some()) {
                break 'batches;
            }
        }
    }
    // SAFETY: the query handle is closed once, after its events.
    unsafe { EvtClose(results) };
    match (failure, out.is_empty()) {
        (Some(e), true) => Err(e),
        _ => Ok(out),
    }
}

fn render(event: isize) -> Result<String, ReadError> {
    let mut used = 0u32;
    let mut count = 0u32;
    // SAFETY: a size query with a null buffer of size 0.
    let ok = unsafe {
        EvtRender(
            0,
            event,
            EvtRenderEventXml,
            0,
            std::ptr::null_mut(),
            &mut used,
            &mut count,
        )
    };
    if ok == 0 {
        let code = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        if u32::try_from(code).unwrap_or(0) != ERROR_INSUFFICIENT_BUFFER {
            return Err(ReadError::from_code(u32::try_from(code).unwrap_or(0)));
        }
    }
    let bytes = usize::try_from(used).unwrap_or(0).min(MAX_DATA);
    let mut buf = vec![0u16; bytes.div_ceil(2)];
    let size = u32::try_from(buf.len() * 2).unwrap_or(0);
    // SAFETY: `buf` has `size` writable bytes.
    let ok = unsafe {
        EvtRender(
            0,
            event,
            EvtRenderEventXml,
            size,
            buf.as_mut_ptr().cast(),
            &mut used,
            &mut count,
        )
    };
    if ok == 0 {
        return Err(ReadError::last());
    }
    Ok(from_wide(&buf))
}
